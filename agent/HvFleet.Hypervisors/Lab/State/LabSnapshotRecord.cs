namespace HvFleet.Hypervisors.Lab.State;

/// <summary>A snapshot collection (group checkpoint) or one VM's checkpoint; files under <c>snapshots/&lt;id&gt;/</c>.</summary>
internal sealed class LabSnapshotRecord
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public SnapshotKind Kind { get; set; }

    public SnapshotScope Scope { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string? CollectionId { get; set; }

    public ConsistencyLevel Consistency { get; set; }

    public List<LabSnapshotMemberRecord> Members { get; set; } = [];

    /// <summary>The agent job that made the checkpoint (see <see cref="SnapshotOrigin"/>); null for checkpoints made without one.</summary>
    public string? OriginJobId { get; set; }

    /// <summary>That job's request id, when it had one.</summary>
    public string? OriginRequestId { get; set; }
}
