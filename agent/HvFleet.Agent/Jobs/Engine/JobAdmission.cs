using Microsoft.Extensions.Options;

namespace HvFleet.Agent.Jobs.Engine;

/// <summary>
/// Lets jobs in: the one replay check (a request id the store knows, or whose checkpoint the
/// hypervisor holds, returns the earlier job; with a different request it is a conflict), the
/// engine's state (starting, draining), the queue limit and the durable insert, all behind one
/// gate so that they form one step. Refusals are values (<see cref="JobStartOutcome"/>).
/// </summary>
internal sealed partial class JobAdmission(
    IJobStore store,
    JobDispatcher dispatcher,
    SnapshotOriginLookup origins,
    IOptions<JobOptions> options,
    TimeProvider time,
    ILogger<JobAdmission> logger) : IDisposable
{
    private readonly JobOptions _options = options.Value;

    // Serializes starts (the request-id lookup, the queue-size check and the insert form one step)
    // and lets a drain wait for a start in progress.
    private readonly SemaphoreSlim _startGate = new(1, 1);

    /// <summary>
    /// Creates and queues a job, or returns the job an earlier call with the same
    /// <paramref name="requestId"/> created. <paramref name="precheck"/> (the request's target
    /// checks) runs only for a request that is not a replay: a replay returns its job even when
    /// the target has changed since.
    /// </summary>
    public async Task<JobStartResult> StartAsync(
        JobSpec spec, string? requestId, Func<CancellationToken, Task<JobStartResult?>>? precheck, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var payload = spec.ToPayload();

        // The replay check, first outside the gate (so that a replay skips the checks and the
        // hypervisor's word below), then again inside it, where it decides.
        AgentJob? known = null;
        if (requestId is not null && (precheck is not null || (spec is CreateSnapshotJobSpec && Refusal() is null)))
        {
            known = await store.GetByRequestIdAsync(requestId, cancellationToken);
        }

        if (known is null && precheck is not null && await precheck(cancellationToken) is { } refused)
        {
            return refused;
        }

        // A request id the store does not know may still have been checkpointed by a job whose record
        // was lost (a deleted or emptied job store): the hypervisor has the last word, asked outside
        // the gate so that starts on other targets do not wait for it.
        OriginMatch? adopted = null;
        if (known is null && spec is CreateSnapshotJobSpec create && requestId is not null && Refusal() is null)
        {
            try
            {
                adopted = await origins.FindForRequestAsync(create, requestId, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return JobStartResult.Refused(JobStartOutcome.Unavailable,
                    $"The agent could not ask the hypervisor whether request id '{requestId}' was already checkpointed ({ex.Message}); retry later.");
            }
        }

        await _startGate.WaitAsync(cancellationToken);
        try
        {
            if (Refusal() is { } notAccepting)
            {
                return notAccepting;
            }

            if (requestId is not null && await store.GetByRequestIdAsync(requestId, cancellationToken) is { } stored)
            {
                return Replay(stored, payload, requestId);
            }

            if (adopted is { Kind: not OriginMatchKind.None } match)
            {
                return await AdoptAsync(spec, payload, requestId!, match, cancellationToken);
            }

            if (dispatcher.IsQueueFull(_options.MaxQueuedJobs))
            {
                LogQueueFull(logger, spec.Kind, _options.MaxQueuedJobs);
                return JobStartResult.Refused(JobStartOutcome.QueueFull,
                    $"The host's job queue is full ({_options.MaxQueuedJobs} jobs waiting); retry later.");
            }

            var now = time.GetUtcNow();
            var job = new AgentJob
            {
                Id = Guid.NewGuid().ToString("D"),
                Kind = spec.Kind,
                State = JobState.Pending,
                StatusText = "Queued",
                CreatedAt = now,
                RequestId = requestId,
                TargetIds = spec.TargetIds,
                Payload = payload,
                ExportDirectory = spec.ExportDirectory,
                Sequence = 1,
            };
            var insert = await store.InsertAsync(job, cancellationToken);
            if (!insert.Inserted)
            {
                return Replay(insert.Job, payload, requestId!);
            }

            var runtime = new JobRuntime(job, spec);
            runtime.MarkPersisted(now);
            dispatcher.Enqueue(runtime);
            LogJobQueued(logger, job.Id, job.Kind, requestId);
            return new JobStartResult(JobStartOutcome.Created, runtime.Current, null);
        }
        catch (JobStoreException ex)
        {
            // Nothing was recorded, so nothing runs: the caller learns why and may retry once the store recovers.
            LogStartRefusedByStore(logger, spec.Kind, ex.Message);
            return JobStartResult.StoreRefused(ex);
        }
        finally
        {
            _startGate.Release();
        }
    }

    /// <summary>
    /// The stored job created with <paramref name="requestId"/>, or null. A start holds the gate
    /// from its request-id check to its insert; waiting for it means that a lookup made after the
    /// caller gave up on a start (e.g. to cancel its job) sees the job if that start created one.
    /// </summary>
    public async Task<AgentJob?> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken)
    {
        await _startGate.WaitAsync(cancellationToken);
        try
        {
            return await store.GetByRequestIdAsync(requestId, cancellationToken);
        }
        finally
        {
            _startGate.Release();
        }
    }

    /// <summary>Closes admission for shutdown once a start in progress has ended; returns what the dispatcher held.</summary>
    public async Task<(List<JobRuntime> Queued, List<JobRuntime> Running)> CloseAsync()
    {
        await _startGate.WaitAsync(CancellationToken.None);
        try
        {
            return dispatcher.BeginDrain();
        }
        finally
        {
            _startGate.Release();
        }
    }

    public void Dispose() => _startGate.Dispose();

    private JobStartResult? Refusal() => dispatcher.State switch
    {
        JobEngineState.Starting => JobStartResult.Refused(JobStartOutcome.Unavailable,
            "The agent is starting and not accepting jobs yet; retry shortly."),
        JobEngineState.Draining => JobStartResult.Refused(JobStartOutcome.Unavailable,
            "The agent is shutting down and not accepting new jobs."),
        _ => null,
    };

    private JobStartResult Replay(AgentJob known, string payload, string requestId)
    {
        if (!string.Equals(known.Payload, payload, StringComparison.Ordinal))
        {
            LogRequestIdConflict(logger, requestId, known.Id);
            return new JobStartResult(JobStartOutcome.RequestIdConflict, known,
                $"request_id '{requestId}' was already used for a different request (job {known.Id}); use a new request id.");
        }

        var current = dispatcher.Live(known);
        LogJobReplayed(logger, requestId, known.Id);
        return new JobStartResult(JobStartOutcome.Existing, current, null);
    }

    private async Task<JobStartResult> AdoptAsync(JobSpec spec, string payload, string requestId, OriginMatch match, CancellationToken cancellationToken)
    {
        if (match.Kind == OriginMatchKind.OtherTarget)
        {
            return new JobStartResult(JobStartOutcome.RequestIdConflict, null,
                $"request_id '{requestId}' was already used to checkpoint a different target on this host; use a new request id.");
        }

        var insert = await store.InsertAsync(origins.AdoptedJob(spec, payload, requestId, match, time.GetUtcNow()), cancellationToken);
        return insert.Inserted ? new JobStartResult(JobStartOutcome.Existing, insert.Job, null) : Replay(insert.Job, payload, requestId);
    }

    [LoggerMessage(EventId = 1001, EventName = "JobQueued", Level = LogLevel.Information,
        Message = "Job {JobId} ({Kind}) queued, request id {RequestId}")]
    private static partial void LogJobQueued(ILogger logger, string jobId, JobKind kind, string? requestId);

    [LoggerMessage(EventId = 1002, EventName = "JobReplayed", Level = LogLevel.Information,
        Message = "Request id {RequestId} replayed: returning existing job {JobId}")]
    private static partial void LogJobReplayed(ILogger logger, string requestId, string jobId);

    [LoggerMessage(EventId = 1003, EventName = "RequestIdConflict", Level = LogLevel.Warning,
        Message = "Request id {RequestId} reused for a different request (existing job {JobId})")]
    private static partial void LogRequestIdConflict(ILogger logger, string requestId, string jobId);

    [LoggerMessage(EventId = 1004, EventName = "JobQueueFull", Level = LogLevel.Warning,
        Message = "Refused a {Kind} job: the queue is full ({MaxQueued} waiting)")]
    private static partial void LogQueueFull(ILogger logger, JobKind kind, int maxQueued);

    [LoggerMessage(EventId = 1012, EventName = "JobStartRefusedByStore", Level = LogLevel.Warning,
        Message = "Refused a {Kind} job: {Problem}")]
    private static partial void LogStartRefusedByStore(ILogger logger, JobKind kind, string problem);
}
