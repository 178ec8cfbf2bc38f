namespace HvFleet.Agent.Jobs;

/// <summary>Delete a snapshot (collection or VM).</summary>
internal sealed record DeleteSnapshotJobSpec(string SnapshotId) : JobSpec
{
    public override JobKind Kind => JobKind.DeleteSnapshot;

    public override IReadOnlyList<string> TargetIds => [SnapshotId];

    public override JobConcurrencyClass ConcurrencyClass => JobConcurrencyClass.Snapshot;

    public override IReadOnlyList<string> ConcurrencyKeys => ["snapshot:" + SnapshotId];

    private protected override JobPayload ToPayloadRecord() => new()
    {
        Kind = Kind,
        SnapshotId = SnapshotId,
    };
}
