using HvFleet.Orchestrator.Operations;

namespace HvFleet.Orchestrator.Store;

/// <summary>Group commit of task updates: updates that arrive while a batch is being written go together into the next
/// one, so that a thousand concurrent tasks cost a few transactions, not a thousand. Each caller still returns only once
/// its own update is committed. <paramref name="writeBatch"/> writes one batch in one transaction and returns the
/// updates whose task it did not find.</summary>
internal sealed class TaskUpdateGroupCommit(Func<IReadOnlyList<PendingTaskUpdate>, Task<IReadOnlySet<PendingTaskUpdate>>> writeBatch)
{
    private readonly Lock _pendingLock = new();
    private List<PendingTaskUpdate> _pendingUpdates = [];
    private bool _flushing;

    public async Task UpdateAsync(string operationId, FleetTask task, CancellationToken cancellationToken)
    {
        var pending = new PendingTaskUpdate(operationId, task, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        bool startFlush;
        lock (_pendingLock)
        {
            _pendingUpdates.Add(pending);
            startFlush = !_flushing;
            _flushing = true;
        }

        if (startFlush)
        {
            _ = Task.Run(FlushAsync, CancellationToken.None);
        }

        await pending.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task FlushAsync()
    {
        while (true)
        {
            List<PendingTaskUpdate> batch;
            lock (_pendingLock)
            {
                if (_pendingUpdates.Count == 0)
                {
                    _flushing = false;
                    return;
                }

                batch = _pendingUpdates;
                _pendingUpdates = [];
            }

            IReadOnlySet<PendingTaskUpdate> missing;
            try
            {
                missing = await writeBatch(batch);
            }
            catch (Exception ex)
            {
                foreach (var update in batch)
                {
                    update.Done.TrySetException(ex);
                }

                continue;
            }

            foreach (var update in batch)
            {
                if (missing.Contains(update))
                {
                    update.Done.TrySetException(new InvalidOperationException($"task {update.Task.Id} of operation {update.OperationId} is not in the store"));
                }
                else
                {
                    update.Done.TrySetResult();
                }
            }
        }
    }
}
