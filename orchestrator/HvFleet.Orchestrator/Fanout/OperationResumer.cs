using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Store;
using Microsoft.Extensions.Logging;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>Claims and resumes the unfinished operations that no live orchestrator holds (after a restart, or when
/// another orchestrator's lease expired).</summary>
internal sealed partial class OperationResumer(
    OperationRuns runs,
    LeaseKeeper leases,
    IOperationStore store,
    OrchestratorOptions options,
    ILogger<OperationResumer> logger)
{
    /// <summary>Returns how many operations started here.</summary>
    public async Task<int> ResumeUnfinishedAsync(CancellationToken cancellationToken)
    {
        var unfinished = await store.ListAsync(new OperationQuery
        {
            States = [OperationState.Pending, OperationState.Running, OperationState.Cancelling],
            Limit = 10_000,
        }, cancellationToken);
        if (options.ReclaimLeasesOfGoneOwners && unfinished.Any(o => !o.DryRun && !runs.IsRunningHere(o.Id)))
        {
            // A predecessor on this machine that crashed (its process is gone) holds its leases until they expire:
            // free them now so that its operations resume at once.
            int freed = await store.ReleaseLeasesOfGoneOwnersAsync(LeaseOwners.IsGone, cancellationToken);
            if (freed > 0)
            {
                LogLeasesFreed(logger, freed);
            }
        }

        int resumed = 0;
        foreach (var operation in unfinished.Where(o => !o.DryRun && !runs.IsRunningHere(o.Id)))
        {
            if (!await leases.TryAcquireAsync(operation.Id, runs.OwnerId, cancellationToken))
            {
                continue;
            }

            var source = operation.RetryOf.Length > 0 ? await store.GetAsync(operation.RetryOf, cancellationToken)
                : operation.SourceOperationId.Length > 0 ? await store.GetAsync(operation.SourceOperationId, cancellationToken)
                : null;
            int open = operation.Tasks.Count(t => !t.Outcome.IsTerminal());
            LogResuming(logger, operation.Id, operation.State, open);
            runs.Launch(operation, source, cancelAtOnce: operation.State == OperationState.Cancelling);
            resumed++;
        }

        return resumed;
    }

    [LoggerMessage(EventId = 211, EventName = "OperationResuming", Level = LogLevel.Information,
        Message = "Resuming operation {OperationId} ({State}) with {OpenTasks} unfinished tasks")]
    private static partial void LogResuming(ILogger logger, string operationId, OperationState state, int openTasks);

    [LoggerMessage(EventId = 216, EventName = "LeasesOfGoneOwnerFreed", Level = LogLevel.Information,
        Message = "Freed the leases of {Count} operations whose orchestrator on this machine is gone; resuming them now.")]
    private static partial void LogLeasesFreed(ILogger logger, int count);
}
