namespace HvFleet.Hypervisors.Tests.Conformance;

public abstract partial class HypervisorConformanceTests
{
    [Fact]
    public async Task CreateSnapshot_ConcurrentOnOneGroup_AllSucceedWithDistinctCompleteSnapshots()
    {
        var group = Assert.Single(await Hypervisor.ListCollectionsAsync(Timeout), c => c.Id == Sample.CollectionId);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            Task.Run(() => SnapshotAsync(SnapshotTarget.Collection(Sample.CollectionId), i % 2 == 0 ? SnapshotKind.Standard : SnapshotKind.Recovery))));

        var ids = results.Select(r => Assert.Single(r.SnapshotIds)).ToArray();
        Assert.Equal(4, ids.Distinct().Count());
        var listed = await Hypervisor.ListSnapshotsAsync(new SnapshotFilter(CollectionId: Sample.CollectionId), Timeout);
        Assert.Equal(ids.Order(), listed.Select(s => s.Id).Order());
        Assert.All(listed, s => Assert.Equal(group.MemberVmIds.Order(), s.Members.Select(m => m.VmId).Order()));
    }

    [Fact]
    public async Task ExportSnapshot_ConcurrentOfOneSnapshot_AllComplete()
    {
        string snapshotId = await SnapshotCollectionAsync();
        string root = CreateExportRoot();

        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(i =>
            Task.Run(() => ExportAsync(snapshotId, Path.Combine(root, "export" + i)))));

        Assert.Equal(3, results.Select(r => r.ExportPath).Distinct().Count());
        var first = FilesUnder(Path.Combine(root, "export0"));
        Assert.NotEmpty(first);
        Assert.Equal(first, FilesUnder(Path.Combine(root, "export1")));
        Assert.Equal(first, FilesUnder(Path.Combine(root, "export2")));
    }

    [Fact]
    public async Task DeleteSnapshot_ConcurrentOfOneSnapshot_ExactlyOneSucceeds()
    {
        string snapshotId = await SnapshotCollectionAsync();

        var attempts = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            try
            {
                await Hypervisor.DeleteSnapshotAsync(snapshotId, new RecordingObserver(), Timeout);
                return (HypervisorErrorKind?)null;
            }
            catch (HypervisorException ex)
            {
                return ex.Kind;
            }
        })).ToArray();
        var outcomes = await Task.WhenAll(attempts);

        Assert.Single(outcomes, o => o is null);
        Assert.All(outcomes.Where(o => o is not null), o => Assert.Equal(HypervisorErrorKind.NotFound, o));
    }

    [Fact]
    public async Task SnapshotExportDelete_InterleavedOnOneGroup_KeepConsistentState()
    {
        string first = await SnapshotCollectionAsync();
        string root = CreateExportRoot();

        var export = Task.Run(() => ExportAsync(first, Path.Combine(root, "export")));
        var snapshot = Task.Run(() => SnapshotCollectionAsync(SnapshotKind.Recovery));
        string second = await snapshot;
        await export;
        await Hypervisor.DeleteSnapshotAsync(first, new RecordingObserver(), Timeout);

        var listed = await Hypervisor.ListSnapshotsAsync(new SnapshotFilter(CollectionId: Sample.CollectionId), Timeout);
        Assert.Equal(second, Assert.Single(listed).Id);
        Assert.NotEmpty(FilesUnder(Path.Combine(root, "export")));
    }
}
