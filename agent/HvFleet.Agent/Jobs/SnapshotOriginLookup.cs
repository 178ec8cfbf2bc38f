using HvFleet.Hypervisors;

namespace HvFleet.Agent.Jobs;

/// <summary>
/// Asks the hypervisor, which has the last word, for the checkpoints carrying a job's identity
/// (<see cref="SnapshotOrigin"/>): after a crash between the backend's work and the job's record,
/// and when the job store no longer knows a replayed request id, so that neither ends in an orphan
/// nor a second checkpoint. Also warns at start when the job store is empty while the host holds
/// checkpoints made by agent jobs (the store was deleted or emptied).
/// </summary>
internal sealed partial class SnapshotOriginLookup(IHypervisor hypervisor, ILogger<SnapshotOriginLookup> logger)
{
    /// <summary>The checkpoints of <paramref name="job"/> (by job id or request id); <see cref="OriginMatch.None"/> when the lookup fails (logged).</summary>
    public async Task<OriginMatch> FindForJobAsync(AgentJob job, CreateSnapshotJobSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            var found = await hypervisor.FindSnapshotsByOriginAsync(new SnapshotOrigin(job.Id, job.RequestId), cancellationToken);
            return OriginMatch.Of(spec.Request.Target, found);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogLookupFailed(logger, job.Id, ex);
            return OriginMatch.None;
        }
    }

    /// <summary>The checkpoints made for <paramref name="requestId"/> by a job the store no longer knows. Throws when the hypervisor cannot tell.</summary>
    public async Task<OriginMatch> FindForRequestAsync(CreateSnapshotJobSpec spec, string requestId, CancellationToken cancellationToken)
    {
        var found = await hypervisor.FindSnapshotsByOriginAsync(new SnapshotOrigin(null, requestId), cancellationToken);
        return OriginMatch.Of(spec.Request.Target, found);
    }

    /// <summary>
    /// The job record for a request id whose job the store lost but whose checkpoints the hypervisor
    /// holds: Completed with them, or Failed when they cover only part of the target (nothing new is taken).
    /// </summary>
    public AgentJob AdoptedJob(JobSpec spec, string payload, string requestId, OriginMatch match, DateTimeOffset now)
    {
        var ids = string.Join(", ", match.SnapshotIds);
        LogAdopted(logger, requestId, match.Kind, ids);
        var job = new AgentJob
        {
            Id = Guid.NewGuid().ToString("D"),
            Kind = spec.Kind,
            State = JobState.Completed,
            CreatedAt = now,
            StartedAt = now,
            FinishedAt = now,
            RequestId = requestId,
            TargetIds = spec.TargetIds,
            Payload = payload,
            Sequence = 1,
        };
        return match.Kind == OriginMatchKind.Complete
            ? job with
            {
                Percent = 100,
                StatusText = "Completed",
                Result = new JobResult(match.SnapshotIds, null, null, 0, 0),
                Warnings = [$"The agent's job store did not know request id '{requestId}'; the hypervisor holds the checkpoint(s) made for it ({ids}), which this job reports instead of taking new ones."],
            }
            : job with
            {
                State = JobState.Failed,
                StatusText = "Interrupted",
                Error = JobError.Agent("Interrupted", $"The agent's job store did not know request id '{requestId}', and the hypervisor holds checkpoints made for it of only part of the target ({ids}); nothing new was taken. Use a new request id to checkpoint again."),
            };
    }

    /// <summary>A recovered job's record: Completed with the checkpoints found for it.</summary>
    public AgentJob Recovered(AgentJob job, OriginMatch match, DateTimeOffset now)
    {
        LogRecovered(logger, job.Id, string.Join(", ", match.SnapshotIds));
        return job with
        {
            State = JobState.Completed,
            Percent = 100,
            StatusText = "Completed",
            FinishedAt = now,
            Result = new JobResult(match.SnapshotIds, null, null, 0, 0),
            Error = null,
            Warnings = [.. job.Warnings, "The agent restarted before recording this job's end; the hypervisor holds the checkpoint(s) carrying the job's identity, which it completed with."],
        };
    }

    /// <summary>Warnings for an interrupted job whose checkpoints cover only part of its target.</summary>
    public static IReadOnlyList<string> PartialWarnings(OriginMatch match) =>
        match.Kind == OriginMatchKind.Partial
            ? [$"Checkpoints {string.Join(", ", match.SnapshotIds)} were taken for part of the target before the agent stopped; they carry this job's identity and were kept."]
            : [];

    /// <summary>Logs loudly when the store holds no job while the host holds checkpoints made by agent jobs.</summary>
    public async Task WarnIfStoreLostAsync(IJobStore store, CancellationToken cancellationToken)
    {
        if ((await store.ListAsync(null, 1, cancellationToken)).Count > 0)
        {
            return;
        }

        IReadOnlyList<SnapshotInfo> snapshots;
        try
        {
            snapshots = await hypervisor.ListSnapshotsAsync(SnapshotFilter.All, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogHistoryNotChecked(logger, store.Location, ex);
            return;
        }

        var made = snapshots.Count(s => s.Origin is not null);
        if (made > 0)
        {
            LogStoreNewWithHistory(logger, store.Location, made);
        }
    }

    [LoggerMessage(EventId = 1040, EventName = "JobStoreNewWithHistory", Level = LogLevel.Warning,
        Message = "THE JOB STORE {StorePath} IS NEW OR EMPTY, but the host holds {Checkpoints} checkpoints made by agent jobs: the job database was deleted, emptied or replaced. "
            + "Job history is gone; replayed request ids are answered from the checkpoints' own identity, never with a second checkpoint. Restore the database if you have a copy.")]
    private static partial void LogStoreNewWithHistory(ILogger logger, string storePath, int checkpoints);

    [LoggerMessage(EventId = 1041, EventName = "JobStoreHistoryNotChecked", Level = LogLevel.Warning,
        Message = "The job store {StorePath} is empty and the hypervisor's checkpoints could not be listed to check for lost history")]
    private static partial void LogHistoryNotChecked(ILogger logger, string storePath, Exception exception);

    [LoggerMessage(EventId = 1042, EventName = "JobRecoveredFromOrigin", Level = LogLevel.Warning,
        Message = "Job {JobId} was cut off after the hypervisor took its checkpoint(s) {SnapshotIds}; recorded as completed with them")]
    private static partial void LogRecovered(ILogger logger, string jobId, string snapshotIds);

    [LoggerMessage(EventId = 1043, EventName = "RequestAdoptedFromOrigin", Level = LogLevel.Warning,
        Message = "Request id {RequestId} is unknown to the job store but the hypervisor holds checkpoint(s) made for it ({Match}: {SnapshotIds}); answering with them")]
    private static partial void LogAdopted(ILogger logger, string requestId, OriginMatchKind match, string snapshotIds);

    [LoggerMessage(EventId = 1044, EventName = "OriginLookupFailed", Level = LogLevel.Warning,
        Message = "Could not ask the hypervisor for the checkpoints of job {JobId}")]
    private static partial void LogLookupFailed(ILogger logger, string jobId, Exception exception);
}
