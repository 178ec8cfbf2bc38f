using HvFleet.Hypervisors;

namespace HvFleet.Agent.Jobs;

/// <summary>Checkpoint a VM group, or chosen VMs.</summary>
internal sealed record CreateSnapshotJobSpec(SnapshotRequest Request) : JobSpec
{
    public override JobKind Kind => JobKind.CreateSnapshot;

    public override IReadOnlyList<string> TargetIds =>
        Request.Target.CollectionId is { } collectionId ? [collectionId] : Request.Target.VmIds;

    public override JobConcurrencyClass ConcurrencyClass => JobConcurrencyClass.Snapshot;

    public override IReadOnlyList<string> ConcurrencyKeys =>
        Request.Target.CollectionId is { } collectionId
            ? ["collection:" + collectionId]
            : [.. Request.Target.VmIds.Select(id => "vm:" + id)];

    private protected override JobPayload ToPayloadRecord() => new()
    {
        Kind = Kind,
        CollectionId = Request.Target.CollectionId,
        VmIds = Request.Target.IsCollection ? null : Request.Target.VmIds,
        SnapshotKind = Request.Kind,
        Name = Request.Name,
        Consistency = Request.Consistency,
    };
}
