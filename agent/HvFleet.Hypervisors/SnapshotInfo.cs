namespace HvFleet.Hypervisors;

/// <summary>A snapshot collection, or one VM's snapshot.</summary>
public sealed record SnapshotInfo(
    string Id,
    string Name,
    SnapshotKind Kind,
    SnapshotScope Scope,
    DateTimeOffset CreatedAt,
    string? CollectionId,
    IReadOnlyList<VmSnapshotInfo> Members,
    SnapshotOrigin? Origin = null);
