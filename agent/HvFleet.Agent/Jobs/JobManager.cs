using HvFleet.Agent.Jobs.Engine;

namespace HvFleet.Agent.Jobs;

/// <summary>
/// The agent's job engine, as its callers see it: a façade over the parts in <c>Jobs/Engine</c>,
/// each with one job: <see cref="JobAdmission"/> (replay, limits, durable insert),
/// <see cref="JobDispatcher"/> (concurrency classes, per-target order), <see cref="JobExecutor"/>
/// (running a job against the hypervisor), <see cref="JobJournal"/> (the store, terminal states
/// durable before they are sent), <see cref="JobWatchHub"/> (watchers), <see cref="JobRecovery"/>
/// (startup) and <see cref="JobDrain"/> (shutdown). Composed by <c>AddJobEngine</c>.
/// </summary>
internal sealed partial class JobManager(
    IJobStore store,
    JobAdmission admission,
    JobDispatcher dispatcher,
    JobJournal journal,
    JobWatchHub watches,
    JobRecovery recovery,
    JobDrain drain,
    ILogger<JobManager> logger) : IDisposable
{
    /// <summary>Jobs listed when the caller gives no limit.</summary>
    public const int DefaultListLimit = 100;

    /// <summary>Most jobs one list returns.</summary>
    public const int MaxListLimit = 1000;

    /// <summary>Jobs waiting for a slot.</summary>
    public int QueuedCount => dispatcher.QueuedCount;

    /// <summary>Jobs running now.</summary>
    public int RunningCount => dispatcher.RunningCount;

    /// <summary>Whether new jobs are accepted (recovery done, not draining).</summary>
    public bool IsAccepting => dispatcher.State == JobEngineState.Ready;

    /// <summary>
    /// Creates and queues a job, or returns the job an earlier call with the same
    /// <paramref name="requestId"/> created. Refusals are values (see <see cref="JobStartOutcome"/>).
    /// </summary>
    public Task<JobStartResult> StartAsync(JobSpec spec, string? requestId, CancellationToken cancellationToken) =>
        admission.StartAsync(spec, requestId, null, cancellationToken);

    /// <inheritdoc cref="JobAdmission.StartAsync"/>
    public Task<JobStartResult> StartAsync(
        JobSpec spec, string? requestId, Func<CancellationToken, Task<JobStartResult?>> precheck, CancellationToken cancellationToken) =>
        admission.StartAsync(spec, requestId, precheck, cancellationToken);

    /// <summary>The job's current state (live for active jobs, else from the store); null when unknown.</summary>
    public async Task<AgentJob?> GetAsync(string jobId, CancellationToken cancellationToken) =>
        dispatcher.TryGetActive(jobId, out var runtime) ? runtime.Current : await store.GetAsync(jobId, cancellationToken);

    /// <summary>
    /// The job created with <paramref name="requestId"/> (live state when active), or null: how a
    /// caller that never received the job id (it gave up before the first event) finds the job.
    /// </summary>
    public async Task<AgentJob?> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        return await admission.FindByRequestIdAsync(requestId, cancellationToken) is { } stored ? dispatcher.Live(stored) : null;
    }

    /// <summary>
    /// Jobs newest first, live state for active ones. A <paramref name="limit"/> of 0 or less
    /// means <see cref="DefaultListLimit"/>; more than <see cref="MaxListLimit"/> is capped (the API's page_size rule).
    /// </summary>
    public async Task<IReadOnlyList<AgentJob>> ListAsync(JobState? state, int limit, CancellationToken cancellationToken)
    {
        limit = limit <= 0 ? DefaultListLimit : Math.Min(limit, MaxListLimit);
        var stored = await store.ListAsync(state, limit, cancellationToken);
        return [.. stored.Select(dispatcher.Live)];
    }

    /// <summary>
    /// Cancels a job: a pending one becomes Cancelled at once; a running one has its token fired
    /// and ends Cancelled once the backend has cleaned up (its current state is returned); a
    /// terminal one is returned unchanged. Null when the job is unknown.
    /// </summary>
    public async Task<AgentJob?> CancelAsync(string jobId, CancellationToken cancellationToken)
    {
        var (pending, running) = dispatcher.TakeForCancel(jobId);
        if (running is not null)
        {
            LogCancelRequested(logger, jobId);
            await running.RequestStopAsync(JobStopReason.Cancelled);
            return running.Current;
        }

        if (pending is null)
        {
            return await store.GetAsync(jobId, cancellationToken);
        }

        await journal.FinishAsync(pending, job => job with { State = JobState.Cancelled, StatusText = "Cancelled before it started" });
        dispatcher.Retire(pending);
        return pending.Current;
    }

    /// <inheritdoc cref="JobWatchHub.WatchAsync"/>
    public IAsyncEnumerable<AgentJob> WatchAsync(string jobId, CancellationToken cancellationToken) =>
        watches.WatchAsync(jobId, cancellationToken);

    /// <inheritdoc cref="JobRecovery.RecoverAsync"/>
    public Task RecoverAsync(CancellationToken cancellationToken) => recovery.RecoverAsync(cancellationToken);

    /// <inheritdoc cref="JobDrain.DrainAsync"/>
    public Task DrainAsync(CancellationToken cancellationToken) => drain.DrainAsync(cancellationToken);

    public void Dispose()
    {
        journal.Dispose();
        admission.Dispose();
        dispatcher.Dispose();
    }

    [LoggerMessage(EventId = 1009, EventName = "JobCancelRequested", Level = LogLevel.Information,
        Message = "Cancellation requested for running job {JobId}")]
    private static partial void LogCancelRequested(ILogger logger, string jobId);
}
