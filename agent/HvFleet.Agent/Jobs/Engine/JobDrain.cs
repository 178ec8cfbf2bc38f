using Microsoft.Extensions.Options;

namespace HvFleet.Agent.Jobs.Engine;

/// <summary>
/// Shutdown: refuses new jobs, fails the queued ones ("agent stopped"), lets running jobs
/// finish within <see cref="JobOptions.DrainGracePeriod"/>, then cancels the rest.
/// </summary>
internal sealed partial class JobDrain(
    JobAdmission admission,
    JobDispatcher dispatcher,
    JobJournal journal,
    IOptions<JobOptions> options,
    TimeProvider time,
    ILogger<JobDrain> logger)
{
    private readonly JobOptions _options = options.Value;
    private TaskCompletionSource? _drain;

    /// <summary>
    /// Running jobs still going after the grace period are cancelled and end Failed with the
    /// "Agent stopped" error (not Cancelled: nobody asked for it, and a client must be able to
    /// tell an operator's cancel from an interrupted job).
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
        var (queued, running) = await admission.CloseAsync();
        foreach (var job in queued)
        {
            await journal.FinishAsync(job, j => j with
            {
                State = JobState.Failed,
                StatusText = "Agent stopped",
                Error = JobError.Agent("Agent stopped", "The agent stopped before the job started."),
            });
            dispatcher.Retire(job);
        }

        if (running.Count == 0)
        {
            return;
        }

        LogDraining(logger, running.Count, _options.DrainGracePeriod.TotalSeconds);
        var all = Task.WhenAll(running.Select(r => r.Completion));
        try
        {
            await all.WaitAsync(_options.DrainGracePeriod, time, cancellationToken);
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
            await journal.GiveUpWaitsAsync();
            foreach (var runtime in running.Where(r => !r.Completion.IsCompleted))
            {
                LogBackendIgnoredStop(logger, runtime.Id);
                await journal.FinishAsync(runtime, job => job with { State = JobState.Failed, StatusText = "Agent stopped", Error = JobExecutor.AgentStoppedError });
            }
        }
    }

    [LoggerMessage(EventId = 1030, EventName = "JobsDraining", Level = LogLevel.Information,
        Message = "Shutting down: waiting up to {GraceSeconds} s for {Running} running jobs")]
    private static partial void LogDraining(ILogger logger, int running, double graceSeconds);

    [LoggerMessage(EventId = 1031, EventName = "BackendIgnoredStop", Level = LogLevel.Warning,
        Message = "Job {JobId} did not stop before the shutdown timeout; recorded as stopped")]
    private static partial void LogBackendIgnoredStop(ILogger logger, string jobId);
}
