using HvFleet.Hypervisors;

namespace HvFleet.Agent.Jobs;

internal sealed partial class JobManager
{
    private const string RestartedWhileRunning = "The agent restarted while the job was running; interrupted.";
    private const string RestartedBeforeStart = "The agent restarted before the job started; interrupted.";

    /// <summary>
    /// Startup: jobs the store still lists as Pending or Running were cut off by a stop or crash.
    /// A job with a backend job reference is re-attached through <c>IHypervisor.ResumeAsync</c>
    /// (Hyper-V keeps its jobs); a checkpoint job whose checkpoints the hypervisor holds (they
    /// carry the job's identity) is completed with them; every other one is failed as interrupted,
    /// and a partial export it left is removed. First, a job store that is empty while the host
    /// holds job checkpoints is warned about. New jobs are accepted once this returns.
    /// </summary>
    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        await _origins.WarnIfStoreLostAsync(_store, cancellationToken);
        var unfinished = new List<AgentJob>();
        unfinished.AddRange(await _store.ListAsync(JobState.Running, int.MaxValue, cancellationToken));
        unfinished.AddRange(await _store.ListAsync(JobState.Pending, int.MaxValue, cancellationToken));
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
                LogPayloadUnreadable(_logger, job.Id, ex);
            }

            if (spec is not null && job.BackendJob is { } backendJob && job.State == JobState.Running)
            {
                var runtime = new JobRuntime(job, spec);
                lock (_lock)
                {
                    _active.Add(job.Id, runtime);
                    // Re-attached work already runs on the host: it holds its slot and targets even past the limits.
                    _scheduler.Hold(runtime);
                    runtime.Completion = Task.Run(() => ResumeAsync(runtime, backendJob), CancellationToken.None);
                }

                LogJobResuming(_logger, job.Id, backendJob.JobId);
                resumed++;
                continue;
            }

            // A checkpoint job cut off after the backend's work: the checkpoint carries the job's
            // identity, so the hypervisor tells whether the work was done.
            var match = OriginMatch.None;
            if (spec is CreateSnapshotJobSpec create && job.State == JobState.Running)
            {
                match = await _origins.FindForJobAsync(job, create, cancellationToken);
                if (match.Kind == OriginMatchKind.Complete)
                {
                    await _store.UpdateAsync(_origins.Recovered(job, match, _time.GetUtcNow()) with { Sequence = job.Sequence + 1 }, cancellationToken);
                    continue;
                }
            }

            // Nobody can watch these yet (recovery runs before jobs are served), so the terminal
            // state is written straight to the store.
            var removed = RemovePartialExport(job);
            await _store.UpdateAsync(job with
            {
                State = JobState.Failed,
                StatusText = "Interrupted",
                FinishedAt = _time.GetUtcNow(),
                Error = JobError.Agent("Interrupted", job.State == JobState.Running ? RestartedWhileRunning : RestartedBeforeStart),
                Warnings = [.. job.Warnings, .. removed.Select(path => "Removed partial export " + path), .. SnapshotOriginLookup.PartialWarnings(match)],
                Sequence = job.Sequence + 1,
            }, cancellationToken);
            LogJobInterrupted(_logger, job.Id, job.Kind, job.State);
        }

        lock (_lock)
        {
            if (_state == EngineState.Starting)
            {
                _state = EngineState.Ready;
            }
        }

        LogRecovered(_logger, unfinished.Count, resumed);
    }

    /// <summary>
    /// Shutdown: refuses new jobs, fails the queued ones ("agent stopped"), lets running jobs
    /// finish within <see cref="JobOptions.DrainGracePeriod"/>, then cancels the rest, which end
    /// Failed with the "Agent stopped" error (not Cancelled: nobody asked for it, and a client
    /// must be able to tell an operator's cancel from an interrupted job).
    /// If <paramref name="cancellationToken"/> fires first (the host's shutdown timeout), jobs
    /// whose backend has not yet stopped are recorded as stopped anyway. Idempotent: a second
    /// call (the host's lifecycle and the engine's own hosted service both drain) waits for the first.
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var drain = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _drain, drain, null) is { } running)
        {
            await running.Task.WaitAsync(cancellationToken);
            return;
        }

        try
        {
            await DrainOnceAsync(cancellationToken);
            drain.SetResult();
        }
        catch (Exception ex)
        {
            drain.SetException(ex);
            throw;
        }
    }

    private async Task DrainOnceAsync(CancellationToken cancellationToken)
    {
        List<JobRuntime> queued;
        List<JobRuntime> running;
        await _startGate.WaitAsync(CancellationToken.None);
        try
        {
            lock (_lock)
            {
                _state = EngineState.Draining;
                queued = _scheduler.TakeAllPending();
                running = [.. _active.Values.Except(queued)];
            }
        }
        finally
        {
            _startGate.Release();
        }

        foreach (var job in queued)
        {
            await FinishAsync(job, j => j with
            {
                State = JobState.Failed,
                StatusText = "Agent stopped",
                Error = JobError.Agent("Agent stopped", "The agent stopped before the job started."),
            });
            Retire(job);
        }

        if (running.Count == 0)
        {
            return;
        }

        LogDraining(_logger, running.Count, _options.DrainGracePeriod.TotalSeconds);
        var all = Task.WhenAll(running.Select(r => r.Completion));
        try
        {
            await all.WaitAsync(_options.DrainGracePeriod, _time, cancellationToken);
            return;
        }
        catch (TimeoutException)
        {
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        await Task.WhenAll(running.Select(runtime => runtime.RequestStopAsync(JobStopReason.AgentStopping)));

        try
        {
            await all.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Terminal states still waiting for a store that cannot write are given up: recovery settles them.
            await _storeWaits.CancelAsync();
            foreach (var runtime in running.Where(r => !r.Completion.IsCompleted))
            {
                LogBackendIgnoredStop(_logger, runtime.Id);
                await FinishAsync(runtime, job => job with { State = JobState.Failed, StatusText = "Agent stopped", Error = AgentStoppedError });
            }
        }
    }

    private async Task ResumeAsync(JobRuntime runtime, BackendJobReference backendJob)
    {
        try
        {
            await ExecuteAsync(runtime, (observer, token) => _hypervisor.ResumeAsync(backendJob, observer, token));
        }
        finally
        {
            Retire(runtime, heldSlot: true);
        }
    }

    private IReadOnlyList<string> RemovePartialExport(AgentJob job)
    {
        // A job that never ran wrote nothing; one whose target existed before must keep it.
        if (job.Kind != JobKind.ExportSnapshot || job.ExportDirectory is null || job.State != JobState.Running)
        {
            return [];
        }

        try
        {
            var removed = ExportCleanup.RemovePartialExport(job.ExportDirectory, removeTarget: !job.ExportTargetExisted);
            foreach (var path in removed)
            {
                LogPartialExportRemoved(_logger, job.Id, path);
            }

            return removed;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogPartialExportNotRemoved(_logger, job.Id, job.ExportDirectory, ex);
            return [];
        }
    }
}
