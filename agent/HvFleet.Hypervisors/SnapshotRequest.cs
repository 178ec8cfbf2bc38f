namespace HvFleet.Hypervisors;

/// <summary>
/// A snapshot to take. <paramref name="Origin"/> is the identity of the job taking it, which the
/// backend keeps with the checkpoint (see <see cref="SnapshotOrigin"/>); it is not part of what the caller asked for.
/// </summary>
public sealed record SnapshotRequest(SnapshotTarget Target, SnapshotKind Kind, string? Name, ConsistencyLevel Consistency = ConsistencyLevel.Default, SnapshotOrigin? Origin = null);
