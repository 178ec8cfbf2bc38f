using HvFleet.Hypervisors;
using Microsoft.Extensions.Options;

namespace HvFleet.Agent.Jobs.Engine;

/// <summary>
/// Runs one job against the hypervisor and records what comes of it: the start (durable before
/// the backend is called), progress (announced at once, written at most once per
/// <see cref="JobOptions.ProgressPersistInterval"/>), the backend job reference (written at once),
/// and the terminal state through the <see cref="JobJournal"/>.
/// </summary>
internal sealed partial class JobExecutor(
    IHypervisor hypervisor,
    JobJournal journal,
    SnapshotOriginLookup origins,
    PartialExportRemover partialExports,
    HostInventoryCache inventory,
    IOptions<JobOptions> options,
    TimeProvider time,
    ILogger<JobExecutor> logger)
{
    /// <summary>How a job the agent stopped ends.</summary>
    public static readonly JobError AgentStoppedError = JobError.Agent(
        "Agent stopped", "The agent stopped while the job was running; interrupted.");

    private readonly JobOptions _options = options.Value;

    /// <summary>Follows a backend job that was running when the agent restarted.</summary>
    public Task ResumeAsync(JobRuntime runtime, BackendJobReference backendJob) =>
        ExecuteAsync(runtime, (observer, token) => hypervisor.ResumeAsync(backendJob, observer, token));

    /// <summary>Runs a dispatched job from its start.</summary>
    public async Task RunAsync(JobRuntime runtime)
    {
        var spec = runtime.Spec;
        var now = time.GetUtcNow();
        var targetExisted = spec.ExportDirectory is { } directory && (Directory.Exists(directory) || File.Exists(directory));
        var running = runtime.TryUpdate(job => job with
        {
            State = JobState.Running,
            StartedAt = now,
            StatusText = "Running",
            ExportTargetExisted = targetExisted,
        });
        if (running is null)
        {
            return;
        }

        // Written before the backend is called: after a crash, a job still Pending in the
        // store never touched the host, and an export's "target existed" flag is known.
        if (!await journal.PersistAsync(runtime, running, now))
        {
            await journal.FinishAsync(runtime, job => job with
            {
                State = JobState.Failed,
                StatusText = "Failed",
                Error = JobError.Agent("Agent error", "The agent could not record the job's start in its job store."),
            });
            return;
        }

        LogJobStarted(logger, runtime.Id, spec.Kind);
        await ExecuteAsync(runtime, async (observer, token) => spec switch
        {
            // The checkpoint carries the job's identity, so that a restart can find it (JobRecovery).
            CreateSnapshotJobSpec create => await hypervisor.CreateSnapshotAsync(
                create.Request with { Origin = new SnapshotOrigin(runtime.Id, runtime.Current.RequestId) }, observer, token),
            ExportSnapshotJobSpec export => await hypervisor.ExportSnapshotAsync(export.Request, observer, token),
            DeleteSnapshotJobSpec delete => await hypervisor.DeleteSnapshotAsync(delete.SnapshotId, observer, token),
            _ => throw new InvalidOperationException($"No handler for job spec {spec.GetType().Name}."),
        });
    }

    internal void OnProgress(JobRuntime runtime, HypervisorProgress progress)
    {
        var percent = Math.Clamp(progress.Percent, 0, 100);
        var bytesDone = Math.Max(0, progress.BytesDone);
        var bytesTotal = Math.Max(0, progress.BytesTotal);
        var updated = runtime.TryUpdate(job =>
            job.State != JobState.Running
            || (job.Percent == percent && job.BytesDone == bytesDone && job.BytesTotal == bytesTotal
                && (progress.StatusText is null || progress.StatusText == job.StatusText))
                ? null
                : job with
                {
                    Percent = percent,
                    BytesDone = bytesDone,
                    BytesTotal = bytesTotal,
                    StatusText = progress.StatusText ?? job.StatusText,
                });
        var now = time.GetUtcNow();
        if (updated is not null && runtime.TryClaimProgressWrite(now, _options.ProgressPersistInterval))
        {
            _ = journal.PersistAsync(runtime, updated, now);
        }
    }

    internal void OnBackendJob(JobRuntime runtime, BackendJobReference backendJob)
    {
        var updated = runtime.TryUpdate(job => job with { BackendJob = backendJob });
        if (updated is not null)
        {
            LogBackendJob(logger, runtime.Id, backendJob.JobId);
            // Written at once: it is what lets a restarted agent re-attach instead of failing the job.
            _ = journal.PersistAsync(runtime, updated, time.GetUtcNow());
        }
    }

    // The backend's work is over (before its end is announced): a checkpoint taken or removed may
    // have changed the host's VMs (state, checkpoints), so the next request's target check lists them again.
    private void InvalidateInventory(JobRuntime runtime)
    {
        if (runtime.Spec is CreateSnapshotJobSpec or DeleteSnapshotJobSpec)
        {
            inventory.Invalidate();
        }
    }

    /// <summary>
    /// Runs the backend call and records its outcome: a result completes the job, null (a backend
    /// job that could not be re-attached) fails it as interrupted, exceptions fail or cancel it.
    /// </summary>
    private async Task ExecuteAsync(JobRuntime runtime, Func<IOperationObserver, CancellationToken, Task<OperationResult?>> work)
    {
        OperationResult? result;
        try
        {
            runtime.Token.ThrowIfCancellationRequested();
            result = await work(new JobObserver(this, runtime), runtime.Token);
        }
        catch (Exception ex)
        {
            InvalidateInventory(runtime);
            await FailAsync(runtime, ex);
            return;
        }

        InvalidateInventory(runtime);

        if (result is null && runtime.Spec is CreateSnapshotJobSpec create)
        {
            // The backend job is gone, but the checkpoint it made carries the job's identity.
            var match = await origins.FindForJobAsync(runtime.Current, create, CancellationToken.None);
            if (match.Kind == OriginMatchKind.Complete)
            {
                result = new OperationResult(match.SnapshotIds);
            }
        }

        if (result is null)
        {
            await InterruptAsync(runtime, "The agent restarted while the job was running and the backend no longer knows its job; interrupted.");
            return;
        }

        await journal.FinishAsync(runtime, job => job with
        {
            State = JobState.Completed,
            Percent = 100,
            BytesDone = Math.Max(job.BytesDone, result.Bytes),
            BytesTotal = Math.Max(job.BytesTotal, result.Bytes),
            StatusText = "Completed",
            Result = new JobResult(result.SnapshotIds, result.ExportPath, result.ManifestPath, result.Bytes, result.Files),
            Warnings = [.. job.Warnings, .. result.Warnings ?? []],
        });
    }

    private async Task FailAsync(JobRuntime runtime, Exception exception)
    {
        // Once the token fired, whatever the backend throws is the cancellation taking effect.
        if (runtime.Token.IsCancellationRequested && exception is OperationCanceledException or HypervisorException)
        {
            if (runtime.StopReason == JobStopReason.AgentStopping)
            {
                await journal.FinishAsync(runtime, job => job with { State = JobState.Failed, StatusText = "Agent stopped", Error = AgentStoppedError });
            }
            else
            {
                await journal.FinishAsync(runtime, job => job with { State = JobState.Cancelled, StatusText = "Cancelled" });
            }

            return;
        }

        JobError error;
        if (exception is HypervisorException hypervisorError)
        {
            error = JobError.FromHypervisor(hypervisorError);
            LogJobFailedByHypervisor(logger, runtime.Id, hypervisorError.HyperVCode, hypervisorError.Family, hypervisorError.Description);
        }
        else
        {
            error = JobError.Agent("Agent error", $"The agent failed the job unexpectedly ({exception.GetType().Name}: {exception.Message}).");
            LogJobCrashed(logger, runtime.Id, exception);
        }

        await journal.FinishAsync(runtime, job => job with { State = JobState.Failed, StatusText = "Failed", Error = error });
    }

    /// <summary>Fails a job whose work was lost, removing a partial export.</summary>
    private async Task InterruptAsync(JobRuntime runtime, string reason)
    {
        var removed = partialExports.Remove(runtime.Current);
        await journal.FinishAsync(runtime, job => job with
        {
            State = JobState.Failed,
            StatusText = "Interrupted",
            Error = JobError.Agent("Interrupted", reason),
            Warnings = [.. job.Warnings, .. removed.Select(path => "Removed partial export " + path)],
        });
    }

    [LoggerMessage(EventId = 1005, EventName = "JobStarted", Level = LogLevel.Information,
        Message = "Job {JobId} ({Kind}) started")]
    private static partial void LogJobStarted(ILogger logger, string jobId, JobKind kind);

    [LoggerMessage(EventId = 1007, EventName = "JobFailedByHypervisor", Level = LogLevel.Warning,
        Message = "Job {JobId} failed in the hypervisor: code {HyperVCode} ({Family}): {Description}")]
    private static partial void LogJobFailedByHypervisor(ILogger logger, string jobId, uint hyperVCode, HyperVCodeFamily family, string description);

    [LoggerMessage(EventId = 1008, EventName = "JobCrashed", Level = LogLevel.Error,
        Message = "Job {JobId} failed with an unexpected error")]
    private static partial void LogJobCrashed(ILogger logger, string jobId, Exception exception);

    [LoggerMessage(EventId = 1011, EventName = "BackendJobRecorded", Level = LogLevel.Debug,
        Message = "Job {JobId} follows backend job {BackendJobId}")]
    private static partial void LogBackendJob(ILogger logger, string jobId, string backendJobId);
}
