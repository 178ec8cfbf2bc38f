using HvFleet.Hypervisors.Confinement;

namespace HvFleet.Hypervisors.Tests.Confinement;

public sealed class ConfinedDirectoryTests : IDisposable
{
    private readonly string _base = Path.Combine(Path.GetTempPath(), "hvfleet-confined-" + Guid.NewGuid().ToString("N"));
    private readonly string _root;
    private readonly string _outside;

    public ConfinedDirectoryTests()
    {
        _root = Path.Combine(_base, "root");
        _outside = Path.Combine(_base, "outside");
        Directory.CreateDirectory(_root);
        Directory.CreateDirectory(_outside);
        File.WriteAllText(Path.Combine(_outside, "marker.txt"), "outside");
    }

    public void Dispose() => Directory.Delete(_base, recursive: true);

    [Fact]
    public void Open_CreatesMissingComponentsUnderTheRootAndReportsThem()
    {
        var created = new List<string>();
        using var dir = ConfinedDirectory.Open(_root, Path.Combine(_root, "a", "b"), create: true, created);
        using (var file = dir.CreateFile("f.bin"))
        {
            RandomAccess.Write(file, "data"u8, 0);
        }

        Assert.Equal([Path.Combine(_root, "a"), Path.Combine(_root, "a", "b")], created);
        Assert.Equal("data", File.ReadAllText(Path.Combine(_root, "a", "b", "f.bin")));
    }

    [Fact]
    public void Open_ComponentIsALink_IsRefusedNamingIt()
    {
        string link = Path.Combine(_root, "a");
        Directory.CreateSymbolicLink(link, _outside);

        var ex = Assert.Throws<ConfinementException>(() => ConfinedDirectory.Open(_root, Path.Combine(link, "b"), create: true));

        Assert.Equal(link, ex.Path);
        Assert.Contains("is a symbolic link", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["marker.txt"], Directory.EnumerateFileSystemEntries(_outside).Select(p => Path.GetFileName(p)));
    }

    [Fact]
    public void Open_PathOutsideTheRoot_IsRefused()
    {
        Assert.Throws<ConfinementException>(() => ConfinedDirectory.Open(_root, Path.Combine(_outside, "x"), create: true));
        Assert.Throws<ConfinementException>(() => ConfinedDirectory.Open(_root, _root + "-evil", create: true));
        Assert.False(Directory.Exists(Path.Combine(_outside, "x")));
    }

    [Fact]
    public void CreateFile_NameIsALink_IsRefusedAndTheLinkTargetUntouched()
    {
        string target = Path.Combine(_outside, "victim.txt");
        File.CreateSymbolicLink(Path.Combine(_root, "f.bin"), target);
        using var root = ConfinedDirectory.OpenRoot(_root);

        Assert.ThrowsAny<IOException>(() => root.CreateFile("f.bin"));
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void Delete_DirectoryWithLinksInside_RemovesTheLinksNeverTheirTargets()
    {
        string tree = Path.Combine(_root, "tree");
        Directory.CreateDirectory(Path.Combine(tree, "sub"));
        File.WriteAllText(Path.Combine(tree, "sub", "f.txt"), "x");
        Directory.CreateSymbolicLink(Path.Combine(tree, "dirlink"), _outside);
        File.CreateSymbolicLink(Path.Combine(tree, "sub", "filelink"), Path.Combine(_outside, "marker.txt"));
        using var root = ConfinedDirectory.OpenRoot(_root);

        Assert.True(root.Delete("tree"));

        Assert.False(Directory.Exists(tree));
        Assert.Equal("outside", File.ReadAllText(Path.Combine(_outside, "marker.txt")));
    }

    [Fact]
    public void Delete_NameIsALinkToADirectory_RemovesOnlyTheLink()
    {
        Directory.CreateSymbolicLink(Path.Combine(_root, "x"), _outside);
        using var root = ConfinedDirectory.OpenRoot(_root);

        Assert.Equal(ConfinedEntryKind.Link, root.KindOf("x"));
        Assert.True(root.Delete("x"));

        Assert.Equal(ConfinedEntryKind.None, root.KindOf("x"));
        Assert.True(File.Exists(Path.Combine(_outside, "marker.txt")));
    }

    [Fact]
    public void HeldDirectory_RenamedAndReplacedByALink_KeepsWritingIntoTheDirectoryHeld()
    {
        using var dir = ConfinedDirectory.Open(_root, Path.Combine(_root, "a"), create: true);
        Directory.Move(Path.Combine(_root, "a"), Path.Combine(_root, "moved"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "a"), _outside);

        using (dir.CreateFile("f.bin"))
        {
        }

        Assert.True(File.Exists(Path.Combine(_root, "moved", "f.bin")));
        Assert.Equal(["marker.txt"], Directory.EnumerateFileSystemEntries(_outside).Select(p => Path.GetFileName(p)));
    }
}
