namespace HvFleet.Agent.Jobs.Engine;

/// <summary>
/// Decides which queued jobs may run: a free slot in the job's class (snapshots, exports) and
/// none of its concurrency keys held by a running job, or by an earlier job still waiting for
/// it (so a later job never overtakes an earlier one on the same target). Jobs on other targets
/// proceed. Not thread-safe: the <see cref="JobDispatcher"/> calls it under its lock.
/// </summary>
internal sealed class JobScheduler(int maxSnapshots, int maxExports)
{
    private readonly LinkedList<JobRuntime> _pending = new();
    private readonly Dictionary<string, int> _heldKeys = new(StringComparer.Ordinal);
    private int _runningSnapshots;
    private int _runningExports;

    public int PendingCount => _pending.Count;

    public int RunningCount => _runningSnapshots + _runningExports;

    public void Enqueue(JobRuntime job) => _pending.AddLast(job);

    /// <summary>Removes a job that has not started; false when it is not waiting.</summary>
    public bool TryRemovePending(JobRuntime job) => _pending.Remove(job);

    /// <summary>Empties the queue (shutdown) and returns what was waiting, oldest first.</summary>
    public List<JobRuntime> TakeAllPending()
    {
        var all = _pending.ToList();
        _pending.Clear();
        return all;
    }

    /// <summary>Removes and returns the jobs that may start now, oldest first, and holds their slots and keys.</summary>
    public List<JobRuntime> TakeRunnable()
    {
        var runnable = new List<JobRuntime>();
        HashSet<string>? reservedByWaiting = null;
        var node = _pending.First;
        while (node is not null)
        {
            var next = node.Next;
            var job = node.Value;
            var keys = job.Spec.ConcurrencyKeys;
            var keysFree = keys.All(k => !_heldKeys.ContainsKey(k) && reservedByWaiting?.Contains(k) != true);
            if (keysFree && HasFreeSlot(job.Spec.ConcurrencyClass))
            {
                _pending.Remove(node);
                Hold(job);
                runnable.Add(job);
            }
            else
            {
                reservedByWaiting ??= new HashSet<string>(StringComparer.Ordinal);
                reservedByWaiting.UnionWith(keys);
            }

            node = next;
        }

        return runnable;
    }

    /// <summary>Counts a job that runs without being queued (re-attached after a restart), even past the limits.</summary>
    public void Hold(JobRuntime job)
    {
        foreach (var key in job.Spec.ConcurrencyKeys)
        {
            _heldKeys[key] = _heldKeys.GetValueOrDefault(key) + 1;
        }

        if (job.Spec.ConcurrencyClass == JobConcurrencyClass.Export)
        {
            _runningExports++;
        }
        else
        {
            _runningSnapshots++;
        }
    }

    /// <summary>Gives back a finished job's slot and keys.</summary>
    public void Release(JobRuntime job)
    {
        foreach (var key in job.Spec.ConcurrencyKeys)
        {
            var count = _heldKeys.GetValueOrDefault(key) - 1;
            if (count <= 0)
            {
                _heldKeys.Remove(key);
            }
            else
            {
                _heldKeys[key] = count;
            }
        }

        if (job.Spec.ConcurrencyClass == JobConcurrencyClass.Export)
        {
            _runningExports--;
        }
        else
        {
            _runningSnapshots--;
        }
    }

    private bool HasFreeSlot(JobConcurrencyClass concurrencyClass) => concurrencyClass == JobConcurrencyClass.Export
        ? _runningExports < maxExports
        : _runningSnapshots < maxSnapshots;
}
