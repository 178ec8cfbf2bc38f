using System.Threading.Channels;

namespace HvFleet.Agent.Jobs.Engine;

/// <summary>
/// The in-memory side of a job that is not yet terminal: its current state, its watchers and its
/// cancellation. All state changes go through one lock so that every watcher sees them in order.
/// </summary>
internal sealed class JobRuntime : IDisposable
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _cancellation = new();
    private readonly List<Channel<AgentJob>> _watchers = [];
    private AgentJob _current;
    private AgentJob? _final;
    private bool _finishing;
    private bool _announced;
    private Task _writes = Task.CompletedTask;
    private DateTimeOffset _lastPersistedAt;

    public JobRuntime(AgentJob job, JobSpec spec)
    {
        _current = job;
        Spec = spec;
    }

    public string Id => _current.Id;

    public JobSpec Spec { get; }

    /// <summary>Fires when the job is cancelled or the agent stops.</summary>
    public CancellationToken Token => _cancellation.Token;

    public JobStopReason StopReason { get; private set; }

    /// <summary>The task running the job; set once it is dispatched.</summary>
    public Task Completion { get; set; } = Task.CompletedTask;


    public AgentJob Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>The terminal state once announced; null before.</summary>
    public AgentJob? Final
    {
        get
        {
            lock (_gate)
            {
                return _announced ? _final : null;
            }
        }
    }

    public int WatcherCount
    {
        get
        {
            lock (_gate)
            {
                return _watchers.Count;
            }
        }
    }

    /// <summary>
    /// Applies a non-terminal change and announces it to every watcher. Returns null when nothing
    /// changed: the change returned null, or the job has begun finishing.
    /// </summary>
    public AgentJob? TryUpdate(Func<AgentJob, AgentJob?> change)
    {
        lock (_gate)
        {
            if (_finishing || change(_current) is not { } changed)
            {
                return null;
            }

            var next = changed with { Sequence = _current.Sequence + 1 };
            _current = next;
            foreach (var watcher in _watchers)
            {
                // Bounded, DropOldest: never blocks; a slow watcher loses old progress only.
                watcher.Writer.TryWrite(next);
            }

            return next;
        }
    }

    /// <summary>
    /// Claims the right to finish the job and computes its terminal state without announcing it:
    /// the caller persists it first, then calls <see cref="Announce"/>. Only the first caller
    /// wins; later ones get null.
    /// </summary>
    public AgentJob? TryBeginFinish(Func<AgentJob, AgentJob> change)
    {
        lock (_gate)
        {
            if (_finishing)
            {
                return null;
            }

            _finishing = true;
            _final = change(_current) with { Sequence = _current.Sequence + 1 };
            return _final;
        }
    }

    /// <summary>Announces the (already persisted) terminal state and ends every watcher's stream.</summary>
    public void Announce()
    {
        lock (_gate)
        {
            if (_final is null || _announced)
            {
                return;
            }

            _announced = true;
            _current = _final;
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(_final);
                watcher.Writer.TryComplete();
            }

            _watchers.Clear();
        }
    }

    /// <summary>
    /// Adds a watcher whose channel already holds the current state; null when the job's terminal
    /// state is already announced (read it from the store instead).
    /// </summary>
    public ChannelReader<AgentJob>? Subscribe(int capacity)
    {
        var channel = Channel.CreateBounded<AgentJob>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = true,
        });
        lock (_gate)
        {
            if (_announced)
            {
                return null;
            }

            channel.Writer.TryWrite(_current);
            _watchers.Add(channel);
        }

        return channel.Reader;
    }

    public void Unsubscribe(ChannelReader<AgentJob> reader)
    {
        lock (_gate)
        {
            _watchers.RemoveAll(w => w.Reader == reader);
        }
    }

    /// <summary>Records that the state was written at <paramref name="now"/>.</summary>
    public void MarkPersisted(DateTimeOffset now)
    {
        lock (_gate)
        {
            _lastPersistedAt = now;
        }
    }

    /// <summary>
    /// Whether a progress write is due (at most one per <paramref name="interval"/>); when it is,
    /// the slot is claimed so that concurrent progress reports do not all write.
    /// </summary>
    public bool TryClaimProgressWrite(DateTimeOffset now, TimeSpan interval)
    {
        lock (_gate)
        {
            if (now - _lastPersistedAt < interval)
            {
                return false;
            }

            _lastPersistedAt = now;
            return true;
        }
    }

    /// <summary>
    /// Fires the job's token; the first reason given wins. The token's callbacks (the backend's
    /// cleanup) run on the thread pool, never on the caller's thread.
    /// </summary>
    public async Task RequestStopAsync(JobStopReason reason)
    {
        lock (_gate)
        {
            if (StopReason == JobStopReason.None)
            {
                StopReason = reason;
            }
        }

        try
        {
            await _cancellation.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // The job already finished and released its token: nothing left to stop.
        }
    }

    /// <summary>
    /// Chains a store write after the previous ones so that writes of one job reach the store in
    /// order; the returned task completes when this write has.
    /// </summary>
    public Task QueueWrite(Func<Task> write)
    {
        lock (_gate)
        {
            _writes = ChainAsync(_writes, write);
            return _writes;
        }
    }

    public void Dispose() => _cancellation.Dispose();

    private static async Task ChainAsync(Task previous, Func<Task> write)
    {
        try
        {
            await previous;
        }
        catch
        {
            // The previous write logged its own failure; this one still runs.
        }

        await write();
    }
}
