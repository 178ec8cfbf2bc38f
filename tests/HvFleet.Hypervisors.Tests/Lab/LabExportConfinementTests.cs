using HvFleet.Hypervisors.Lab;
using HvFleet.Hypervisors.Tests.Conformance;

namespace HvFleet.Hypervisors.Tests.Lab;

/// <summary>
/// The export directory is opened again from the export root when the export runs, component by
/// component without following links: a folder swapped for a link after the request was accepted
/// fails the export, and nothing outside the root is written or deleted.
/// </summary>
public sealed class LabExportConfinementTests : LabTestBase
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Export_FolderSwappedForLinkAfterAcceptance_FailsAndWritesNothingOutside(bool withRoot)
    {
        var lab = Host.Create();
        string snapshotId = await SnapshotAsync(lab);
        string outside = NewOutsideDirectory();
        string folder = Path.Combine(Host.ExportRoot, "site");
        Directory.CreateDirectory(folder);
        string target = Path.Combine(folder, "export");

        // Accepted while "site" was a real folder; swapped for a link to outside before the export runs.
        SwapForLink(folder, outside);
        var ex = await Assert.ThrowsAsync<HypervisorException>(() => lab.ExportSnapshotAsync(
            new ExportRequest(snapshotId, target, ExportOptions.Default, false, withRoot ? Host.ExportRoot : null), new RecordingObserver(), Timeout));

        Assert.Equal(HypervisorErrorKind.AccessDenied, ex.Kind);
        Assert.Equal(HyperVCodes.MsvmAccessDenied, ex.HyperVCode);
        Assert.Contains($"'{folder}' is a symbolic link", ex.Description, StringComparison.Ordinal);
        Assert.Equal(["marker.txt"], Names(outside));
    }

    [Fact]
    public async Task Export_OverwriteThroughSwappedLink_DeletesNothingOutside()
    {
        var lab = Host.Create();
        string snapshotId = await SnapshotAsync(lab);
        string outside = NewOutsideDirectory();
        Directory.CreateDirectory(Path.Combine(outside, "export"));
        File.WriteAllText(Path.Combine(outside, "export", "precious.txt"), "keep me");
        string folder = Path.Combine(Host.ExportRoot, "site");
        Directory.CreateDirectory(Path.Combine(folder, "export"));

        SwapForLink(folder, outside);
        var ex = await Assert.ThrowsAsync<HypervisorException>(() => lab.ExportSnapshotAsync(
            new ExportRequest(snapshotId, Path.Combine(folder, "export"), ExportOptions.Default, true, Host.ExportRoot), new RecordingObserver(), Timeout));

        Assert.Equal(HypervisorErrorKind.AccessDenied, ex.Kind);
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(outside, "export", "precious.txt")));
        Assert.Equal(["export", "marker.txt"], Names(outside));
        Assert.Equal(["precious.txt"], Names(Path.Combine(outside, "export")));
    }

    [Fact]
    public async Task Export_TargetItselfIsALink_IsRefusedAndTheLinkKept()
    {
        var lab = Host.Create();
        string snapshotId = await SnapshotAsync(lab);
        string outside = NewOutsideDirectory();
        string target = Path.Combine(Host.ExportRoot, "export");
        Directory.CreateSymbolicLink(target, outside);

        var ex = await Assert.ThrowsAsync<HypervisorException>(() => lab.ExportSnapshotAsync(
            new ExportRequest(snapshotId, target, ExportOptions.Default, true, Host.ExportRoot), new RecordingObserver(), Timeout));

        Assert.Equal(HypervisorErrorKind.AccessDenied, ex.Kind);
        Assert.NotNull(new DirectoryInfo(target).LinkTarget);
        Assert.Equal(["marker.txt"], Names(outside));
        Assert.DoesNotContain(Names(Host.ExportRoot), n => n.Contains(".hvfleet-tmp-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Export_TargetOutsideTheGivenRoot_IsRefused()
    {
        var lab = Host.Create();
        string snapshotId = await SnapshotAsync(lab);
        string outside = NewOutsideDirectory();

        var ex = await Assert.ThrowsAsync<HypervisorException>(() => lab.ExportSnapshotAsync(
            new ExportRequest(snapshotId, Path.Combine(outside, "export"), ExportOptions.Default, false, Host.ExportRoot), new RecordingObserver(), Timeout));

        Assert.Equal(HypervisorErrorKind.AccessDenied, ex.Kind);
        Assert.Equal(["marker.txt"], Names(outside));
    }

    [Fact]
    public async Task Export_MissingParents_CreatedUnderTheRootAndRemovedWhenTheExportFails()
    {
        var lab = Host.Create();
        string snapshotId = await SnapshotAsync(lab);
        string target = Path.Combine(Host.ExportRoot, "a", "b", "export");
        lab.FailNext(1, BackendOperationKind.ExportSnapshot);

        await Assert.ThrowsAsync<HypervisorException>(() => lab.ExportSnapshotAsync(
            new ExportRequest(snapshotId, target, ExportOptions.Default, false, Host.ExportRoot), new RecordingObserver(), Timeout));

        Assert.Empty(Names(Host.ExportRoot));
    }

    private static void SwapForLink(string folder, string linkTarget)
    {
        Directory.Delete(folder, recursive: true);
        Directory.CreateSymbolicLink(folder, linkTarget);
    }

    private string NewOutsideDirectory()
    {
        string outside = Path.Combine(Host.Root, "outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "marker.txt"), "outside the export root");
        return outside;
    }

    private static string[] Names(string directory) =>
        [.. Directory.EnumerateFileSystemEntries(directory).Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal)];

    private async Task<string> SnapshotAsync(LabHypervisor lab)
    {
        var group = (await lab.ListCollectionsAsync(Timeout)).Single(c => c.Name == "Data tier");
        return (await lab.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.Collection(group.Id), SnapshotKind.Recovery, null), new RecordingObserver(), Timeout)).SnapshotIds[0];
    }
}
