using System.Runtime.CompilerServices;
using HvFleet.Hypervisors;
using Microsoft.Extensions.Options;

namespace HvFleet.Agent.Jobs;

/// <summary>
/// The agent's job engine: creates durable jobs (idempotent by request id), runs them against the
/// hypervisor under per-host concurrency limits and per-target serialization, streams their state
/// to any number of watchers, cancels them, re-attaches or fails them after a restart and drains
/// them on shutdown.
/// </summary>
internal sealed partial class JobManager : IDisposable
{
    /// <summary>Jobs listed when the caller gives no limit.</summary>
    public const int DefaultListLimit = 100;

    /// <summary>Most jobs one list returns.</summary>
    public const int MaxListLimit = 1000;

    private readonly IJobStore _store;
    private readonly IHypervisor _hypervisor;
    private readonly JobOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<JobManager> _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, JobRuntime> _active = new(StringComparer.Ordinal);
    private readonly JobScheduler _scheduler;
    private readonly SnapshotOriginLookup _origins;
    private readonly JobStoreHealth _storeHealth;

    // Ends the waits of terminal states for a store that cannot write, when the agent gives up on them (shutdown).
    private readonly CancellationTokenSource _storeWaits = new();

    // Serializes starts (the request-id lookup, the queue-size check and the insert form one step)
    // and lets a drain wait for a start in progress.
    private readonly SemaphoreSlim _startGate = new(1, 1);
    private EngineState _state = EngineState.Starting;
    private TaskCompletionSource? _drain;

    public JobManager(IJobStore store, IHypervisor hypervisor, IOptions<JobOptions> options, TimeProvider time, ILogger<JobManager> logger,
        JobStoreHealth? storeHealth = null)
    {
        _storeHealth = storeHealth ?? new JobStoreHealth();
        _store = store;
        _hypervisor = hypervisor;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _scheduler = new JobScheduler(_options.MaxConcurrentSnapshots, _options.MaxConcurrentExports);
        _origins = new SnapshotOriginLookup(hypervisor, logger);
    }

    private enum EngineState
    {
        Starting,
        Ready,
        Draining,
    }

    /// <summary>Jobs waiting for a slot.</summary>
    public int QueuedCount
    {
        get
        {
            lock (_lock)
            {
                return _scheduler.PendingCount;
            }
        }
    }

    /// <summary>Jobs running now.</summary>
    public int RunningCount
    {
        get
        {
            lock (_lock)
            {
                return _scheduler.RunningCount;
            }
        }
    }

    /// <summary>Whether new jobs are accepted (recovery done, not draining).</summary>
    public bool IsAccepting
    {
        get
        {
            lock (_lock)
            {
                return _state == EngineState.Ready;
            }
        }
    }

    /// <summary>
    /// Creates and queues a job, or returns the job an earlier call with the same
    /// <paramref name="requestId"/> created. Refusals are values (see <see cref="JobStartOutcome"/>).
    /// </summary>
    public async Task<JobStartResult> StartAsync(JobSpec spec, string? requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var payload = spec.ToPayload();

        // A request id the store does not know may still have been checkpointed by a job whose record
        // was lost (a deleted or emptied job store): the hypervisor has the last word, asked outside
        // the gate so that starts on other targets do not wait for it.
        OriginMatch? adopted = null;
        if (spec is CreateSnapshotJobSpec create && requestId is not null && Refusal() is null
            && await _store.GetByRequestIdAsync(requestId, cancellationToken) is null)
        {
            try
            {
                adopted = await _origins.FindForRequestAsync(create, requestId, cancellationToken);
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

            if (requestId is not null && await _store.GetByRequestIdAsync(requestId, cancellationToken) is { } known)
            {
                return Replay(known, payload, requestId);
            }

            if (adopted is { Kind: not OriginMatchKind.None } match)
            {
                return await AdoptAsync(spec, payload, requestId!, match, cancellationToken);
            }

            lock (_lock)
            {
                if (_scheduler.PendingCount >= _options.MaxQueuedJobs)
                {
                    LogQueueFull(_logger, spec.Kind, _options.MaxQueuedJobs);
                    return JobStartResult.Refused(JobStartOutcome.QueueFull,
                        $"The host's job queue is full ({_options.MaxQueuedJobs} jobs waiting); retry later.");
                }
            }

            var now = _time.GetUtcNow();
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
            var insert = await _store.InsertAsync(job, cancellationToken);
            if (!insert.Inserted)
            {
                return Replay(insert.Job, payload, requestId!);
            }

            var runtime = new JobRuntime(job, spec);
            runtime.MarkPersisted(now);
            lock (_lock)
            {
                _active.Add(job.Id, runtime);
                _scheduler.Enqueue(runtime);
                DispatchLocked();
            }

            LogJobQueued(_logger, job.Id, job.Kind, requestId);
            return new JobStartResult(JobStartOutcome.Created, runtime.Current, null);
        }
        catch (JobStoreException ex)
        {
            // Nothing was recorded, so nothing runs: the caller learns why and may retry once the store recovers.
            LogStartRefusedByStore(_logger, spec.Kind, ex.Message);
            return JobStartResult.StoreRefused(ex);
        }
        finally
        {
            _startGate.Release();
        }
    }

    /// <summary>The job's current state (live for active jobs, else from the store); null when unknown.</summary>
    public async Task<AgentJob?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_active.TryGetValue(jobId, out var runtime))
            {
                return runtime.Current;
            }
        }

        return await _store.GetAsync(jobId, cancellationToken);
    }

    /// <summary>
    /// The job created with <paramref name="requestId"/> (live state when active), or null: how a
    /// caller that never received the job id (it gave up before the first event) finds the job.
    /// </summary>
    public async Task<AgentJob?> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);

        // A start holds the gate from its request-id check to its insert. Waiting for it means that a lookup made
        // after the caller gave up on a start (e.g. to cancel its job) sees the job if that start created one.
        AgentJob? stored;
        await _startGate.WaitAsync(cancellationToken);
        try
        {
            stored = await _store.GetByRequestIdAsync(requestId, cancellationToken);
        }
        finally
        {
            _startGate.Release();
        }

        if (stored is null)
        {
            return null;
        }

        lock (_lock)
        {
            return _active.TryGetValue(stored.Id, out var runtime) ? runtime.Current : stored;
        }
    }

    /// <summary>
    /// Jobs newest first, live state for active ones. A <paramref name="limit"/> of 0 or less
    /// means <see cref="DefaultListLimit"/>; more than <see cref="MaxListLimit"/> is capped (the API's page_size rule).
    /// </summary>
    public async Task<IReadOnlyList<AgentJob>> ListAsync(JobState? state, int limit, CancellationToken cancellationToken)
    {
        limit = limit <= 0 ? DefaultListLimit : Math.Min(limit, MaxListLimit);
        var stored = await _store.ListAsync(state, limit, cancellationToken);
        lock (_lock)
        {
            return [.. stored.Select(job => _active.TryGetValue(job.Id, out var runtime) ? runtime.Current : job)];
        }
    }

    /// <summary>
    /// Cancels a job: a pending one becomes Cancelled at once; a running one has its token fired
    /// and ends Cancelled once the backend has cleaned up (its current state is returned); a
    /// terminal one is returned unchanged. Null when the job is unknown.
    /// </summary>
    public async Task<AgentJob?> CancelAsync(string jobId, CancellationToken cancellationToken)
    {
        JobRuntime? pending = null;
        JobRuntime? running = null;
        lock (_lock)
        {
            if (_active.TryGetValue(jobId, out var runtime))
            {
                if (_scheduler.TryRemovePending(runtime))
                {
                    pending = runtime;
                    // Later jobs on the same targets may have waited behind this one.
                    DispatchLocked();
                }
                else
                {
                    running = runtime;
                }
            }
        }

        if (running is not null)
        {
            LogCancelRequested(_logger, jobId);
            await running.RequestStopAsync(JobStopReason.Cancelled);
            return running.Current;
        }

        if (pending is null)
        {
            return await _store.GetAsync(jobId, cancellationToken);
        }

        await FinishAsync(pending, job => job with { State = JobState.Cancelled, StatusText = "Cancelled before it started" });
        Retire(pending);
        return pending.Current;
    }

    /// <summary>
    /// The job's current state first, then every change, until (and including) the terminal
    /// state. Each watcher has its own bounded buffer: a slow watcher may miss intermediate
    /// progress (every event is the whole state) but never the terminal state, which is read from
    /// the store. Yields nothing for an unknown job.
    /// </summary>
    public async IAsyncEnumerable<AgentJob> WatchAsync(string jobId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        JobRuntime? runtime;
        lock (_lock)
        {
            _active.TryGetValue(jobId, out runtime);
        }

        var reader = runtime?.Subscribe(_options.WatcherBufferCapacity);
        if (reader is null)
        {
            if (await ReadFinalAsync(runtime, jobId, cancellationToken) is { } done)
            {
                yield return done;
            }

            yield break;
        }

        long last = 0;
        var terminal = false;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                while (reader.TryRead(out var job))
                {
                    if (job.Sequence > last)
                    {
                        last = job.Sequence;
                        terminal = job.State.IsTerminal();
                        yield return job;
                    }
                }
            }
        }
        finally
        {
            runtime!.Unsubscribe(reader);
        }

        if (!terminal && await ReadFinalAsync(runtime, jobId, cancellationToken) is { } final && final.Sequence > last)
        {
            yield return final;
        }
    }

    public void Dispose()
    {
        _storeWaits.Cancel();
        _storeWaits.Dispose();
        _startGate.Dispose();
        lock (_lock)
        {
            foreach (var runtime in _active.Values)
            {
                runtime.Dispose();
            }

            _active.Clear();
        }
    }

    // The durable record first; the in-memory terminal state only if writing it failed.
    private async Task<AgentJob?> ReadFinalAsync(JobRuntime? runtime, string jobId, CancellationToken cancellationToken)
    {
        var stored = await _store.GetAsync(jobId, cancellationToken);
        var memory = runtime?.Final;
        return memory is not null && (stored is null || stored.Sequence < memory.Sequence) ? memory : stored;
    }

    private JobStartResult? Refusal()
    {
        lock (_lock)
        {
            return _state switch
            {
                EngineState.Starting => JobStartResult.Refused(JobStartOutcome.Unavailable,
                    "The agent is starting and not accepting jobs yet; retry shortly."),
                EngineState.Draining => JobStartResult.Refused(JobStartOutcome.Unavailable,
                    "The agent is shutting down and not accepting new jobs."),
                _ => null,
            };
        }
    }

    private JobStartResult Replay(AgentJob known, string payload, string requestId)
    {
        if (!string.Equals(known.Payload, payload, StringComparison.Ordinal))
        {
            LogRequestIdConflict(_logger, requestId, known.Id);
            return new JobStartResult(JobStartOutcome.RequestIdConflict, known,
                $"request_id '{requestId}' was already used for a different request (job {known.Id}); use a new request id.");
        }

        lock (_lock)
        {
            var current = _active.TryGetValue(known.Id, out var runtime) ? runtime.Current : known;
            LogJobReplayed(_logger, requestId, known.Id);
            return new JobStartResult(JobStartOutcome.Existing, current, null);
        }
    }

    private async Task<JobStartResult> AdoptAsync(JobSpec spec, string payload, string requestId, OriginMatch match, CancellationToken cancellationToken)
    {
        if (match.Kind == OriginMatchKind.OtherTarget)
        {
            return new JobStartResult(JobStartOutcome.RequestIdConflict, null,
                $"request_id '{requestId}' was already used to checkpoint a different target on this host; use a new request id.");
        }

        var insert = await _store.InsertAsync(_origins.AdoptedJob(spec, payload, requestId, match, _time.GetUtcNow()), cancellationToken);
        return insert.Inserted ? new JobStartResult(JobStartOutcome.Existing, insert.Job, null) : Replay(insert.Job, payload, requestId);
    }

    private void DispatchLocked()
    {
        foreach (var runtime in _scheduler.TakeRunnable())
        {
            runtime.Completion = Task.Run(() => RunAsync(runtime), CancellationToken.None);
        }
    }

    // A job's last step: free its slot, forget its runtime, let waiting jobs in.
    private void Retire(JobRuntime runtime, bool heldSlot = false)
    {
        lock (_lock)
        {
            if (heldSlot)
            {
                _scheduler.Release(runtime);
            }

            _active.Remove(runtime.Id);
            if (_state != EngineState.Draining)
            {
                DispatchLocked();
            }
        }

        runtime.Dispose();
    }
}
