using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace HvFleet.Agent.Jobs.Engine;

/// <summary>
/// The engine's live jobs: which are active, which wait for a slot (<see cref="JobScheduler"/>:
/// concurrency classes and per-target order), which run, and whether the engine accepts jobs at
/// all. Starts each runnable job on the thread pool through the <see cref="JobExecutor"/> and
/// retires it when it ends, letting waiting jobs in. One lock guards all of it.
/// </summary>
internal sealed class JobDispatcher(JobExecutor executor, IOptions<JobOptions> options) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, JobRuntime> _active = new(StringComparer.Ordinal);
    private readonly JobScheduler _scheduler = new(options.Value.MaxConcurrentSnapshots, options.Value.MaxConcurrentExports);
    private JobEngineState _state = JobEngineState.Starting;

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

    public JobEngineState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>Recovery is done: jobs are accepted (unless a drain began meanwhile).</summary>
    public void MarkReady()
    {
        lock (_lock)
        {
            if (_state == JobEngineState.Starting)
            {
                _state = JobEngineState.Ready;
            }
        }
    }

    public bool TryGetActive(string jobId, [NotNullWhen(true)] out JobRuntime? runtime)
    {
        lock (_lock)
        {
            return _active.TryGetValue(jobId, out runtime);
        }
    }

    /// <summary>The live state of <paramref name="stored"/> when its job is active, else <paramref name="stored"/> itself.</summary>
    public AgentJob Live(AgentJob stored)
    {
        lock (_lock)
        {
            return _active.TryGetValue(stored.Id, out var runtime) ? runtime.Current : stored;
        }
    }

    /// <summary>Whether <paramref name="maxQueued"/> jobs already wait for a slot.</summary>
    public bool IsQueueFull(int maxQueued)
    {
        lock (_lock)
        {
            return _scheduler.PendingCount >= maxQueued;
        }
    }

    /// <summary>Queues a new job and starts whatever may run now.</summary>
    public void Enqueue(JobRuntime runtime)
    {
        lock (_lock)
        {
            _active.Add(runtime.Id, runtime);
            _scheduler.Enqueue(runtime);
            DispatchLocked();
        }
    }

    /// <summary>
    /// Runs re-attached work (already running on the host) at once: it holds its slot and targets
    /// even past the limits, and is retired like any other job when <paramref name="work"/> ends.
    /// </summary>
    public void Attach(JobRuntime runtime, Func<JobRuntime, Task> work)
    {
        lock (_lock)
        {
            _active.Add(runtime.Id, runtime);
            _scheduler.Hold(runtime);
            runtime.Completion = Task.Run(() => RunThenRetireAsync(runtime, work), CancellationToken.None);
        }
    }

    /// <summary>
    /// Takes a job out of the queue if it has not started (later jobs on its targets may go), else
    /// reports it as running; both null when the job is not active.
    /// </summary>
    public (JobRuntime? Pending, JobRuntime? Running) TakeForCancel(string jobId)
    {
        lock (_lock)
        {
            if (!_active.TryGetValue(jobId, out var runtime))
            {
                return (null, null);
            }

            if (_scheduler.TryRemovePending(runtime))
            {
                DispatchLocked();
                return (runtime, null);
            }

            return (null, runtime);
        }
    }

    /// <summary>Stops accepting and dispatching jobs; returns the queued jobs (taken out of the queue) and the running ones.</summary>
    public (List<JobRuntime> Queued, List<JobRuntime> Running) BeginDrain()
    {
        lock (_lock)
        {
            _state = JobEngineState.Draining;
            var queued = _scheduler.TakeAllPending();
            return (queued, [.. _active.Values.Except(queued)]);
        }
    }

    /// <summary>A job's last step: free its slot (when it held one), forget its runtime, let waiting jobs in.</summary>
    public void Retire(JobRuntime runtime, bool heldSlot = false)
    {
        lock (_lock)
        {
            if (heldSlot)
            {
                _scheduler.Release(runtime);
            }

            _active.Remove(runtime.Id);
            if (_state != JobEngineState.Draining)
            {
                DispatchLocked();
            }
        }

        runtime.Dispose();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var runtime in _active.Values)
            {
                runtime.Dispose();
            }

            _active.Clear();
        }
    }

    private void DispatchLocked()
    {
        foreach (var runtime in _scheduler.TakeRunnable())
        {
            runtime.Completion = Task.Run(() => RunThenRetireAsync(runtime, executor.RunAsync), CancellationToken.None);
        }
    }

    private async Task RunThenRetireAsync(JobRuntime runtime, Func<JobRuntime, Task> work)
    {
        try
        {
            await work(runtime);
        }
        finally
        {
            Retire(runtime, heldSlot: true);
        }
    }
}
