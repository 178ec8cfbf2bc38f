namespace HvFleet.Hypervisors;

/// <summary>
/// The identity of the agent job that made a checkpoint, kept by the backend with the checkpoint
/// itself (lab: its state record; Hyper-V: the Notes of each checkpoint's settings). It lets a
/// restarted agent, or one whose job store was lost, find the checkpoint a job made instead of
/// taking a second one: the hypervisor has the last word.
/// </summary>
/// <param name="JobId">The agent job's id; null only in a lookup that knows the request id alone.</param>
/// <param name="RequestId">The caller's idempotency key, when the job had one.</param>
public sealed record SnapshotOrigin(string? JobId, string? RequestId)
{
    /// <summary>Whether a checkpoint made by <paramref name="stored"/> belongs to this job: same job id, or same request id.</summary>
    public bool Matches(SnapshotOrigin? stored) =>
        stored is not null
        && ((JobId is not null && string.Equals(JobId, stored.JobId, StringComparison.Ordinal))
            || (RequestId is not null && string.Equals(RequestId, stored.RequestId, StringComparison.Ordinal)));
}
