namespace HvFleet.Hypervisors.Tests.Conformance;

public abstract partial class HypervisorConformanceTests
{
    [Fact]
    public async Task DeleteSnapshot_CollectionSnapshot_RemovesItFromListing()
    {
        string keep = await SnapshotCollectionAsync();
        string remove = await SnapshotCollectionAsync();
        var observer = new RecordingObserver();

        var result = await Hypervisor.DeleteSnapshotAsync(remove, observer, Timeout);

        Assert.Equal(remove, Assert.Single(result.SnapshotIds));
        var listed = await Hypervisor.ListSnapshotsAsync(SnapshotFilter.All, Timeout);
        Assert.DoesNotContain(listed, s => s.Id == remove);
        Assert.Contains(listed, s => s.Id == keep);
        Assert.Equal(100, observer.Progress[^1].Percent);
    }

    [Fact]
    public async Task DeleteSnapshot_VmSnapshot_RemovesOnlyThatVmsSnapshot()
    {
        var ids = (await SnapshotAsync(SnapshotTarget.VirtualMachines(Sample.VmIds.Take(2).ToArray()))).SnapshotIds;

        await Hypervisor.DeleteSnapshotAsync(ids[0], new RecordingObserver(), Timeout);

        var listed = await Hypervisor.ListSnapshotsAsync(SnapshotFilter.All, Timeout);
        Assert.DoesNotContain(listed, s => s.Id == ids[0]);
        Assert.Contains(listed, s => s.Id == ids[1]);
    }

    [Fact]
    public async Task DeleteSnapshot_AfterExport_KeepsTheExport()
    {
        string snapshotId = await SnapshotCollectionAsync();
        string target = Path.Combine(CreateExportRoot(), "export");
        await ExportAsync(snapshotId, target);
        var before = FilesUnder(target);

        await Hypervisor.DeleteSnapshotAsync(snapshotId, new RecordingObserver(), Timeout);

        Assert.Equal(before, FilesUnder(target));
    }
}
