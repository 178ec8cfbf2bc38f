using HvFleet.Orchestrator.Agents;

namespace HvFleet.Orchestrator.Tests.Fakes;

/// <summary>One job on a fake agent: its current state and a signal that fires on every change.</summary>
internal sealed class FakeJob
{
    private readonly Lock _lock = new();
    private RemoteJob _state;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FakeJob(RemoteJob initial, string targetId)
    {
        _state = initial;
        TargetId = targetId;
    }

    public string TargetId { get; }

    public RemoteJob State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>Released by the test (or at once when the agent does not hold jobs).</summary>
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public (RemoteJob State, Task Changed) Observe()
    {
        lock (_lock)
        {
            return (_state, _changed.Task);
        }
    }

    /// <summary>Applies a change unless the job is already terminal; returns whether it applied.</summary>
    public bool Update(Func<RemoteJob, RemoteJob> change)
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            if (_state.IsTerminal)
            {
                return false;
            }

            _state = change(_state);
            signal = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        signal.TrySetResult();
        return true;
    }
}
