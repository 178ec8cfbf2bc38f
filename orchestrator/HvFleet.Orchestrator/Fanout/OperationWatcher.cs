using System.Runtime.CompilerServices;
using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Progress;
using HvFleet.Orchestrator.Store;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>WatchOperation: the live view while the operation runs here, else the durable record polled every
/// <see cref="OrchestratorOptions.WatchPollInterval"/>; the last event always from the durable record.</summary>
internal sealed class OperationWatcher(OperationRuns runs, IOperationStore store, TimeProvider timeProvider, OrchestratorOptions options)
{
    /// <summary>The whole operation first, then task changes with summaries, and last the whole operation as stored in
    /// its terminal state. Null when the operation is unknown.</summary>
    public async Task<IAsyncEnumerable<OperationEvent>?> WatchAsync(string operationId, CancellationToken cancellationToken)
    {
        runs.TryGetLive(operationId, out var live);
        if (live is null && await store.GetAsync(operationId, cancellationToken) is null)
        {
            return null;
        }

        return WatchCoreAsync(operationId, live, cancellationToken);
    }

    private async IAsyncEnumerable<OperationEvent> WatchCoreAsync(string operationId, LiveOperation? live,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long sequence = 0;
        FleetOperation? seen = null;
        while (true)
        {
            var reader = live?.Subscribe();
            if (reader is not null)
            {
                try
                {
                    await foreach (var update in reader.ReadAllAsync(cancellationToken))
                    {
                        // Live sequences keep their gaps (dropped events); after a switch they continue from ours.
                        sequence = Math.Max(sequence + 1, update.Sequence);
                        yield return update with { Sequence = sequence };
                    }
                }
                finally
                {
                    live!.Unsubscribe(reader);
                }

                seen = null;
            }

            // The last event always comes from the durable record, never from the lossy channel.
            var stored = await store.GetAsync(operationId, cancellationToken);
            if (stored is null)
            {
                yield break;
            }

            if (stored.State.IsTerminal())
            {
                yield return new OperationEvent(sequence + 1, stored.State, stored, null, stored.Summarize(timeProvider.GetUtcNow()));
                yield break;
            }

            // Not running here (another orchestrator runs it, or this one stopped it and none has resumed it yet): follow
            // the durable record until it ends, switching to the live view if this orchestrator takes it over.
            foreach (var change in OperationChanges.Between(seen, stored, sequence + 1, timeProvider.GetUtcNow()))
            {
                sequence = change.Sequence;
                yield return change;
            }

            seen = stored;
            await Task.Delay(options.WatchPollInterval, timeProvider, cancellationToken);
            runs.TryGetLive(operationId, out live);
        }
    }
}
