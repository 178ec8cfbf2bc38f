using HvFleet.Hypervisors.Lab;
using HvFleet.Hypervisors.Tests.Conformance;

namespace HvFleet.Hypervisors.Tests.Lab;

public sealed class LabRestartTests : LabTestBase
{
    [Fact]
    public async Task Restart_SameDirectory_SeesSameVmsGroupsAndSnapshots()
    {
        var first = Host.Create();
        var vms = await first.ListVirtualMachinesAsync(Timeout);
        var groups = await first.ListCollectionsAsync(Timeout);
        var result = await first.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.Collection(groups[0].Id), SnapshotKind.Recovery, "nightly"), new RecordingObserver(), Timeout);
        await first.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.VirtualMachines([vms[^1].Id]), SnapshotKind.Standard, null), new RecordingObserver(), Timeout);
        var snapshots = await first.ListSnapshotsAsync(SnapshotFilter.All, Timeout);
        await first.DisposeAsync();

        var second = Host.Create();

        Assert.Equal(vms, await second.ListVirtualMachinesAsync(Timeout), VmComparer.Instance);
        Assert.Equal(groups.Select(g => (g.Id, g.Name, string.Join(",", g.MemberVmIds))), (await second.ListCollectionsAsync(Timeout)).Select(g => (g.Id, g.Name, string.Join(",", g.MemberVmIds))));
        var reloaded = await second.ListSnapshotsAsync(SnapshotFilter.All, Timeout);
        Assert.Equal(snapshots.Select(s => (s.Id, s.Name, s.Kind, s.Scope, s.CreatedAt)), reloaded.Select(s => (s.Id, s.Name, s.Kind, s.Scope, s.CreatedAt)));

        // The reloaded snapshot is usable: it exports.
        var export = await second.ExportSnapshotAsync(new ExportRequest(result.SnapshotIds[0], Path.Combine(Host.NewExportRoot(), "e"), ExportOptions.Default, false), new RecordingObserver(), Timeout);
        Assert.True(File.Exists(export.ManifestPath));
    }

    [Fact]
    public async Task Restart_VmStateChange_IsPersisted()
    {
        var first = Host.Create();
        string vmId = (await first.ListVirtualMachinesAsync(Timeout))[0].Id;
        await first.SetVirtualMachineStateAsync(vmId, VmState.Busy, Timeout);
        await first.DisposeAsync();

        var second = Host.Create();

        Assert.Equal(VmState.Busy, (await second.ListVirtualMachinesAsync(Timeout)).Single(v => v.Id == vmId).State);
    }

    [Fact]
    public async Task Restart_AfterInterruptedOperations_RemovesTheirLeftoversAndKeepsUnknownFolders()
    {
        var first = Host.Create();
        var groups = await first.ListCollectionsAsync(Timeout);
        string kept = (await first.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.Collection(groups[0].Id), SnapshotKind.Standard, null), new RecordingObserver(), Timeout)).SnapshotIds[0];
        await first.DisposeAsync();
        var paths = new LabPaths(Host.LabDirectory);
        string staging = paths.SnapshotStagingDirectory(Guid.NewGuid().ToString("D"));
        string unknown = paths.SnapshotDirectory(Guid.NewGuid().ToString("D"));
        Directory.CreateDirectory(staging);
        Directory.CreateDirectory(unknown);
        string tempState = paths.StateFile + ".0123.tmp";
        await File.WriteAllTextAsync(tempState, "{", Timeout);

        var second = Host.Create();
        await second.StartAsync(Timeout);

        Assert.False(Directory.Exists(staging));
        Assert.False(File.Exists(tempState));

        // Not in the state, but not positively unfinished work of ours either: left in place.
        Assert.True(Directory.Exists(unknown));
        Assert.True(Directory.Exists(paths.SnapshotDirectory(kept)));
    }

    private sealed class VmComparer : IEqualityComparer<VirtualMachineInfo>
    {
        public static readonly VmComparer Instance = new();

        public bool Equals(VirtualMachineInfo? x, VirtualMachineInfo? y) =>
            x is not null && y is not null && x.Id == y.Id && x.Name == y.Name && x.State == y.State && x.CollectionIds.SequenceEqual(y.CollectionIds);

        public int GetHashCode(VirtualMachineInfo obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }
}
