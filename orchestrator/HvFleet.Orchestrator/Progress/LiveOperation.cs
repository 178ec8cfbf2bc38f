using System.Threading.Channels;
using HvFleet.Orchestrator.Operations;

namespace HvFleet.Orchestrator.Progress;

/// <summary>The in-memory view of a running operation and its watchers. Each watcher has one bounded channel; when a
/// slow watcher falls behind, the oldest task events are dropped (each event is complete, and the whole operation
/// is re-read from the durable record at the end, so nothing that matters is lost).</summary>
internal sealed class LiveOperation
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly int _bufferSize;
    private readonly List<Channel<OperationEvent>> _subscribers = [];
    private readonly Dictionary<string, int> _taskIndex = new(StringComparer.Ordinal);
    private FleetOperation _operation;
    private FleetTask[] _tasks;
    private long _sequence;
    private bool _completed;

    public LiveOperation(FleetOperation operation, TimeProvider timeProvider, int bufferSize)
    {
        _operation = operation;
        _timeProvider = timeProvider;
        _bufferSize = bufferSize;
        _tasks = [.. operation.Tasks];
        IndexTasks();
    }

    /// <summary>Cancelled when a user cancels the operation (not on orchestrator shutdown).</summary>
    public CancellationTokenSource Cancellation { get; } = new();

    /// <summary>Completes when the runner has finished with the operation (terminal, or stopped by shutdown).</summary>
    public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Id => _operation.Id;

    public FleetOperation Snapshot()
    {
        lock (_lock)
        {
            return _operation with { Tasks = [.. _tasks] };
        }
    }

    public FleetTask GetTask(string taskId)
    {
        lock (_lock)
        {
            return _tasks[_taskIndex[taskId]];
        }
    }

    /// <summary>Replaces the operation's own fields (tasks come from this view) and tells every watcher.</summary>
    public FleetOperation UpdateOperation(Func<FleetOperation, FleetOperation> change)
    {
        lock (_lock)
        {
            _operation = change(_operation with { Tasks = _tasks });
            if (!ReferenceEquals(_operation.Tasks, _tasks))
            {
                _tasks = [.. _operation.Tasks];
                IndexTasks();
            }

            var whole = _operation with { Tasks = [.. _tasks] };
            Publish(whole.State, whole, null, whole.Summarize(_timeProvider.GetUtcNow()));
            return whole;
        }
    }

    public void UpdateTask(FleetTask task)
    {
        lock (_lock)
        {
            _tasks[_taskIndex[task.Id]] = task;
            if (_subscribers.Count > 0)
            {
                var summary = OperationSummary.From(_operation with { Tasks = _tasks }, _timeProvider.GetUtcNow());
                Publish(_operation.State, null, task, summary);
            }
        }
    }

    /// <summary>A new watcher: the whole operation first, then every change, until <see cref="Complete"/>.
    /// Null when the operation already completed (read the durable record instead).</summary>
    public ChannelReader<OperationEvent>? Subscribe()
    {
        var channel = Channel.CreateBounded<OperationEvent>(new BoundedChannelOptions(_bufferSize)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = false,
        });
        lock (_lock)
        {
            if (_completed)
            {
                return null;
            }

            var whole = _operation with { Tasks = [.. _tasks] };
            channel.Writer.TryWrite(new OperationEvent(++_sequence, whole.State, whole, null, whole.Summarize(_timeProvider.GetUtcNow())));
            _subscribers.Add(channel);
        }

        return channel.Reader;
    }

    public void Unsubscribe(ChannelReader<OperationEvent> reader)
    {
        lock (_lock)
        {
            _subscribers.RemoveAll(c => c.Reader == reader);
        }
    }

    /// <summary>Ends every watcher's channel; they then deliver the terminal state from the store.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            _completed = true;
            foreach (var channel in _subscribers)
            {
                channel.Writer.TryComplete();
            }

            _subscribers.Clear();
        }
    }

    private void Publish(OperationState state, FleetOperation? whole, FleetTask? task, OperationSummary summary)
    {
        foreach (var channel in _subscribers)
        {
            channel.Writer.TryWrite(new OperationEvent(++_sequence, state, whole, task, summary));
        }
    }

    private void IndexTasks()
    {
        _taskIndex.Clear();
        for (int i = 0; i < _tasks.Length; i++)
        {
            _taskIndex[_tasks[i].Id] = i;
        }
    }
}
