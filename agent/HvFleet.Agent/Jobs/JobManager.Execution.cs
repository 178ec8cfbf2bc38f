using HvFleet.Hypervisors;

namespace HvFleet.Agent.Jobs;

internal sealed partial class JobManager
{
    private static readonly JobError AgentStoppedError = JobError.Agent(
        "Agent stopped", "The agent stopped while the job was running; interrupted.");

    private async Task RunAsync(JobRuntime runtime)
    {
        try
        {
            var spec = runtime.Spec;
            var now = _time.GetUtcNow();
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
            if (!await PersistAsync(runtime, running, now))
            {
                await FinishAsync(runtime, job => job with
                {
                    State = JobState.Failed,
                    StatusText = "Failed",
                    Error = JobError.Agent("Agent error", "The agent could not record the job's start in its job store."),
                });
                return;
            }

            LogJobStarted(_logger, runtime.Id, spec.Kind);
            await ExecuteAsync(runtime, async (observer, token) => spec switch
            {
                // The checkpoint carries the job's identity, so that a restart can find it (RecoverAsync).
                CreateSnapshotJobSpec create => await _hypervisor.CreateSnapshotAsync(
                    create.Request with { Origin = new SnapshotOrigin(runtime.Id, runtime.Current.RequestId) }, observer, token),
                ExportSnapshotJobSpec export => await _hypervisor.ExportSnapshotAsync(export.Request, observer, token),
                DeleteSnapshotJobSpec delete => await _hypervisor.DeleteSnapshotAsync(delete.SnapshotId, observer, token),
                _ => throw new InvalidOperationException($"No handler for job spec {spec.GetType().Name}."),
            });
        }
        finally
        {
            Retire(runtime, heldSlot: true);
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
            await FailAsync(runtime, ex);
            return;
        }

        if (result is null && runtime.Spec is CreateSnapshotJobSpec create)
        {
            // The backend job is gone, but the checkpoint it made carries the job's identity.
            var match = await _origins.FindForJobAsync(runtime.Current, create, CancellationToken.None);
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

        await FinishAsync(runtime, job => job with
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
                await FinishAsync(runtime, job => job with { State = JobState.Failed, StatusText = "Agent stopped", Error = AgentStoppedError });
            }
            else
            {
                await FinishAsync(runtime, job => job with { State = JobState.Cancelled, StatusText = "Cancelled" });
            }

            return;
        }

        JobError error;
        if (exception is HypervisorException hypervisorError)
        {
            error = JobError.FromHypervisor(hypervisorError);
            LogJobFailedByHypervisor(_logger, runtime.Id, hypervisorError.HyperVCode, hypervisorError.Family, hypervisorError.Description);
        }
        else
        {
            error = JobError.Agent("Agent error", $"The agent failed the job unexpectedly ({exception.GetType().Name}: {exception.Message}).");
            LogJobCrashed(_logger, runtime.Id, exception);
        }

        await FinishAsync(runtime, job => job with { State = JobState.Failed, StatusText = "Failed", Error = error });
    }

    /// <summary>Fails a job whose work was lost, removing a partial export.</summary>
    private async Task InterruptAsync(JobRuntime runtime, string reason)
    {
        var removed = RemovePartialExport(runtime.Current);
        await FinishAsync(runtime, job => job with
        {
            State = JobState.Failed,
            StatusText = "Interrupted",
            Error = JobError.Agent("Interrupted", reason),
            Warnings = [.. job.Warnings, .. removed.Select(path => "Removed partial export " + path)],
        });
    }

    /// <summary>
    /// Writes the terminal state, then announces it: a watcher, a stream or GetJob never sees a
    /// terminal state the store lacks. While the store cannot write the job stays as it was (live
    /// and stored) and the write is tried again every <see cref="JobOptions.StoreRetryInterval"/>
    /// or as soon as the store can write; if the agent stops first, nothing is announced and the
    /// next start settles the job from its stored record.
    /// </summary>
    private async Task FinishAsync(JobRuntime runtime, Func<AgentJob, AgentJob> change)
    {
        var now = _time.GetUtcNow();
        var final = runtime.TryBeginFinish(job => change(job) with { FinishedAt = now });
        if (final is null)
        {
            return;
        }

        while (!await PersistAsync(runtime, final, now))
        {
            if (!await WaitToRetryStoreAsync())
            {
                LogTerminalNotRecorded(_logger, final.Id, final.State);
                return;
            }
        }

        runtime.Announce();
        LogJobFinished(_logger, final.Id, final.Kind, final.State, (final.FinishedAt - final.StartedAt)?.TotalMilliseconds ?? 0);
    }

    // After a failed write: waits for the store to become writable again (a probe or another job's write succeeded) or
    // for the retry interval on the injected clock; false when the agent gave up (stopping).
    private async Task<bool> WaitToRetryStoreAsync()
    {
        CancellationToken stopping;
        try
        {
            stopping = _storeWaits.Token;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var retry = Task.Delay(_options.StoreRetryInterval, _time, wait.Token);
        var woken = _storeHealth.IsWritable ? retry : await Task.WhenAny(retry, _storeHealth.WaitWritableAsync(wait.Token));
        await wait.CancelAsync();
        try
        {
            await woken;
        }
        catch (OperationCanceledException)
        {
        }

        return !stopping.IsCancellationRequested;
    }

    /// <summary>Queues a write of <paramref name="job"/> behind the job's earlier writes; false when it failed (logged).</summary>
    private async Task<bool> PersistAsync(JobRuntime runtime, AgentJob job, DateTimeOffset now)
    {
        runtime.MarkPersisted(now);
        var ok = true;
        await runtime.QueueWrite(async () =>
        {
            try
            {
                await _store.UpdateAsync(job, CancellationToken.None);
            }
            catch (Exception ex)
            {
                ok = false;
                LogPersistFailed(_logger, job.Id, job.State, ex);
            }
        });
        return ok;
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
        var now = _time.GetUtcNow();
        if (updated is not null && runtime.TryClaimProgressWrite(now, _options.ProgressPersistInterval))
        {
            _ = PersistAsync(runtime, updated, now);
        }
    }

    internal void OnBackendJob(JobRuntime runtime, BackendJobReference backendJob)
    {
        var updated = runtime.TryUpdate(job => job with { BackendJob = backendJob });
        if (updated is not null)
        {
            LogBackendJob(_logger, runtime.Id, backendJob.JobId);
            // Written at once: it is what lets a restarted agent re-attach instead of failing the job.
            _ = PersistAsync(runtime, updated, _time.GetUtcNow());
        }
    }
}
