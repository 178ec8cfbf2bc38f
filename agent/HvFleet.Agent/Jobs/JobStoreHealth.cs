namespace HvFleet.Agent.Jobs;

/// <summary>
/// Whether the job store can write, as its last write (or write probe) found it. Every write that
/// fails with a store problem makes it unwritable; the next write that succeeds makes it writable
/// again, so the agent recovers by itself when space returns. Thread-safe.
/// </summary>
internal sealed class JobStoreHealth
{
    private readonly Lock _gate = new();
    private JobStoreException? _problem;
    private TaskCompletionSource _writable = NewSignal(completed: true);

    /// <summary>Raised (outside any lock) when the store becomes unwritable or writable again; the argument is the problem or null.</summary>
    public event Action<JobStoreException?>? Changed;

    public bool IsWritable
    {
        get
        {
            lock (_gate)
            {
                return _problem is null;
            }
        }
    }

    /// <summary>Why the store cannot write now; null when it can.</summary>
    public JobStoreException? Problem
    {
        get
        {
            lock (_gate)
            {
                return _problem;
            }
        }
    }

    public void ReportFailure(JobStoreException problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        bool changed;
        lock (_gate)
        {
            changed = _problem is null || _problem.Problem != problem.Problem;
            if (_problem is null)
            {
                _writable = NewSignal(completed: false);
            }

            _problem = problem;
        }

        if (changed)
        {
            Changed?.Invoke(problem);
        }
    }

    public void ReportWriteSucceeded()
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (_problem is null)
            {
                return;
            }

            _problem = null;
            signal = _writable;
        }

        signal.TrySetResult();
        Changed?.Invoke(null);
    }

    /// <summary>Completes when the store is writable (at once when it is).</summary>
    public Task WaitWritableAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _writable.Task.WaitAsync(cancellationToken);
        }
    }

    private static TaskCompletionSource NewSignal(bool completed)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            signal.SetResult();
        }

        return signal;
    }
}
