namespace HvFleet.Agent.Jobs.Engine;

/// <summary>
/// Startup: settles the jobs that a stop or crash cut off, then opens the engine to new jobs.
/// </summary>
internal sealed partial class JobRecovery(
    IJobStore store,
    JobDispatcher dispatcher,
    JobExecutor executor,
    SnapshotOriginLookup origins,
    PartialExportRemover partialExports,
    TimeProvider time,
    ILogger<JobRecovery> logger)
{
    private const string RestartedWhileRunning = "The agent restarted while the job was running; interrupted.";
    private const string RestartedBeforeStart = "The agent restarted before the job started; interrupted.";

    /// <summary>
    /// Jobs the store still lists as Pending or Running were cut off by a stop or crash.
    /// A job with a backend job reference is re-attached through <c>IHypervisor.ResumeAsync</c>
    /// (Hyper-V keeps its jobs); a checkpoint job whose checkpoints the hypervisor holds (they
    /// carry the job's identity) is completed with them; every other one is failed as interrupted,
    /// and a partial export it left is removed. First, a job store that is empty while the host
    /// holds job checkpoints is warned about. New jobs are accepted once this returns.
    /// </summary>
    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        await origins.WarnIfStoreLostAsync(store, cancellationToken);
        var unfinished = new List<AgentJob>();
        unfinished.AddRange(await store.ListAsync(JobState.Running, int.MaxValue, cancellationToken));
        unfinished.AddRange(await store.ListAsync(JobState.Pending, int.MaxValue, cancellationToken));
        var resumed = 0;
        foreach (var job in unfinished)
        {
            JobSpec? spec = null;
            try
            {
                spec = JobSpec.FromPayload(job.Payload);
            }
            catch (FormatException ex)
            {
                LogPayloadUnreadable(logger, job.Id, ex);
            }

            if (spec is not null && job.BackendJob is { } backendJob && job.State == JobState.Running)
            {
                dispatcher.Attach(new JobRuntime(job, spec), runtime => executor.ResumeAsync(runtime, backendJob));
                LogJobResuming(logger, job.Id, backendJob.JobId);
                resumed++;
                continue;
            }

            // A checkpoint job cut off after the backend's work: the checkpoint carries the job's
            // identity, so the hypervisor tells whether the work was done.
            var match = OriginMatch.None;
            if (spec is CreateSnapshotJobSpec create && job.State == JobState.Running)
            {
                match = await origins.FindForJobAsync(job, create, cancellationToken);
                if (match.Kind == OriginMatchKind.Complete)
                {
                    await store.UpdateAsync(origins.Recovered(job, match, time.GetUtcNow()) with { Sequence = job.Sequence + 1 }, cancellationToken);
                    continue;
                }
            }

            // Nobody can watch these yet (recovery runs before jobs are served), so the terminal
            // state is written straight to the store.
            var removed = partialExports.Remove(job);
            await store.UpdateAsync(job with
            {
                State = JobState.Failed,
                StatusText = "Interrupted",
                FinishedAt = time.GetUtcNow(),
                Error = JobError.Agent("Interrupted", job.State == JobState.Running ? RestartedWhileRunning : RestartedBeforeStart),
                Warnings = [.. job.Warnings, .. removed.Select(path => "Removed partial export " + path), .. SnapshotOriginLookup.PartialWarnings(match)],
                Sequence = job.Sequence + 1,
            }, cancellationToken);
            LogJobInterrupted(logger, job.Id, job.Kind, job.State);
        }

        dispatcher.MarkReady();
        LogRecovered(logger, unfinished.Count, resumed);
    }

    [LoggerMessage(EventId = 1020, EventName = "JobsRecovered", Level = LogLevel.Information,
        Message = "Recovery: {Unfinished} unfinished jobs found, {Resumed} re-attached to their backend job")]
    private static partial void LogRecovered(ILogger logger, int unfinished, int resumed);

    [LoggerMessage(EventId = 1021, EventName = "JobResuming", Level = LogLevel.Information,
        Message = "Re-attaching job {JobId} to backend job {BackendJobId}")]
    private static partial void LogJobResuming(ILogger logger, string jobId, string backendJobId);

    [LoggerMessage(EventId = 1022, EventName = "JobInterrupted", Level = LogLevel.Warning,
        Message = "Job {JobId} ({Kind}) was {State} when the agent stopped; recorded as interrupted")]
    private static partial void LogJobInterrupted(ILogger logger, string jobId, JobKind kind, JobState state);

    [LoggerMessage(EventId = 1023, EventName = "JobPayloadUnreadable", Level = LogLevel.Warning,
        Message = "Job {JobId} has an unreadable request payload; it cannot be re-attached")]
    private static partial void LogPayloadUnreadable(ILogger logger, string jobId, Exception exception);
}
