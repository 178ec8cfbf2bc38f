namespace HvFleet.Hypervisors.Lab;

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
}
