using HvFleet.Agent.Jobs;
using HvFleet.Hypervisors;

namespace HvFleet.Agent.Tests.Jobs.Fakes;

/// <summary>Short ways to write job specs in tests.</summary>
internal static class Specs
{
    public static CreateSnapshotJobSpec Group(string collectionId, string? name = null) =>
        new(new SnapshotRequest(SnapshotTarget.Collection(collectionId), SnapshotKind.Recovery, name));

    public static CreateSnapshotJobSpec Vms(params string[] vmIds) =>
        new(new SnapshotRequest(SnapshotTarget.VirtualMachines(vmIds), SnapshotKind.Standard, null));

    public static ExportSnapshotJobSpec Export(string snapshotId, string directory) =>
        new(new ExportRequest(snapshotId, directory, ExportOptions.Default, Overwrite: false));

    public static DeleteSnapshotJobSpec Delete(string snapshotId) => new(snapshotId);
}
