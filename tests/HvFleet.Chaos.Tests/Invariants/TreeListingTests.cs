namespace HvFleet.Chaos.Tests.Invariants;

/// <summary>The outside-the-roots listing sees a created, a changed and a removed file, and does not follow links.</summary>
public sealed class TreeListingTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("hvfleet-chaos-listing-");

    [Fact]
    public void Changes_CreatedChangedRemoved_EachReported()
    {
        Directory.CreateDirectory(Path.Combine(_folder.FullName, "a"));
        File.WriteAllText(Path.Combine(_folder.FullName, "a", "kept.txt"), "1");
        File.WriteAllText(Path.Combine(_folder.FullName, "changed.txt"), "1");
        File.WriteAllText(Path.Combine(_folder.FullName, "removed.txt"), "1");
        var before = TreeListing.Take(_folder.FullName, recursive: true);

        File.WriteAllText(Path.Combine(_folder.FullName, "changed.txt"), "longer");
        File.Delete(Path.Combine(_folder.FullName, "removed.txt"));
        File.WriteAllText(Path.Combine(_folder.FullName, "a", "created.txt"), "1");
        var changes = TreeListing.Changes(before, TreeListing.Take(_folder.FullName, recursive: true)).ToDictionary(c => c.Path, c => c.Change);

        Assert.Equal(["a/created.txt", "changed.txt", "removed.txt"], changes.Keys.Order(StringComparer.Ordinal));
        Assert.StartsWith("created", changes["a/created.txt"], StringComparison.Ordinal);
        Assert.StartsWith("changed", changes["changed.txt"], StringComparison.Ordinal);
        Assert.Equal("removed", changes["removed.txt"]);
    }

    [Fact]
    public void Take_Link_ListedWithItsTargetNotFollowed()
    {
        var elsewhere = Directory.CreateTempSubdirectory("hvfleet-chaos-elsewhere-");
        try
        {
            File.WriteAllText(Path.Combine(elsewhere.FullName, "inside-target.txt"), "1");
            Directory.CreateSymbolicLink(Path.Combine(_folder.FullName, "link"), elsewhere.FullName);

            var listing = TreeListing.Take(_folder.FullName, recursive: true);

            Assert.Equal("link -> " + elsewhere.FullName, Assert.Single(listing).Value);
        }
        finally
        {
            elsewhere.Delete(recursive: true);
        }
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
