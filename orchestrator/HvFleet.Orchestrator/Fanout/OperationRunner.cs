using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Store;
using Microsoft.Extensions.Logging;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>Runs one operation: plan (when not yet planned), then wave after wave (<see cref="WaveRunner"/>), then the
/// final state and the cleanup policy (<see cref="CheckpointCleanup"/>).</summary>
internal sealed partial class OperationRunner(
    OperationPlanner planner,
    WaveRunner waves,
    CheckpointCleanup cleanup,
    IOperationStore store,
    TimeProvider timeProvider,
    ILogger<OperationRunner> logger)
{
    public async Task RunAsync(RunContext run, FleetOperation? source)
    {
        var operation = run.Operation;

        // Planned before this run began: an earlier run (before a restart) may have sent some tasks to their agents.
        bool resumed = operation.IsPlanned;
        if (!operation.IsPlanned)
        {
            IReadOnlyList<FleetTask> tasks;
            using (var planning = CancellationTokenSource.CreateLinkedTokenSource(run.Cancel, run.Shutdown))
            {
                try
                {
                    tasks = await planner.PlanAsync(operation, source, planning.Token);
                }
                catch (OperationCanceledException) when (run.Cancel.IsCancellationRequested && !run.Shutdown.IsCancellationRequested)
                {
                    tasks = [];
                }
            }

            await store.SavePlanAsync(operation.Id, tasks, run.Shutdown);
            operation = run.Live.UpdateOperation(o => o with { Tasks = tasks, IsPlanned = true });
            int hostCount = tasks.Select(t => t.HostName).Distinct(StringComparer.OrdinalIgnoreCase).Count();
            LogPlanned(logger, operation.Id, tasks.Count, hostCount);
        }

        if (operation.State == OperationState.Pending)
        {
            operation = run.Live.UpdateOperation(o => o with { State = OperationState.Running, StartedAt = o.StartedAt ?? timeProvider.GetUtcNow() });
            await store.UpdateOperationAsync(operation, run.Shutdown);
        }

        var policy = operation.Policy;
        var budget = new FailureBudget(policy);
        foreach (int wave in operation.Tasks.Select(t => t.Wave).Distinct().Order())
        {
            await waves.RunAsync(run, wave, policy, budget, resumed);
        }

        await FinishAsync(run, budget);
    }

    private async Task FinishAsync(RunContext run, FailureBudget budget)
    {
        var operation = run.Operation;
        var summary = operation.Summarize(timeProvider.GetUtcNow());
        var state = run.Cancel.IsCancellationRequested ? OperationState.Cancelled
            : summary.Succeeded == summary.Total ? OperationState.Succeeded
            : summary.Succeeded > 0 ? OperationState.PartiallyFailed
            : OperationState.Failed;
        string message = state switch
        {
            OperationState.Succeeded => $"{summary.Succeeded} of {summary.Total} targets succeeded",
            OperationState.Cancelled => $"cancelled: {summary.Succeeded} of {summary.Total} targets had succeeded",
            _ => $"{summary.FailedTotal} of {summary.Total} targets did not succeed ({summary.Failed} failed, {summary.Unreachable} unreachable, "
                + $"{summary.TimedOut} timed out, {summary.Skipped} skipped, {summary.Cancelled} cancelled)"
                + (budget.FleetExceeded ? $"; the fleet failure budget ({operation.Policy.FailureBudget}) was exceeded" : ""),
        };

        if (state != OperationState.Succeeded && operation.Policy.CleanupOnFailure && operation.Kind == OperationKind.Snapshot)
        {
            int removed = await cleanup.RemoveAsync(run, operation);
            if (removed > 0)
            {
                message += $"; cleanup removed the checkpoints of {removed} targets";
            }
        }

        var final = run.Live.UpdateOperation(o => o with { State = state, FinishedAt = timeProvider.GetUtcNow(), Message = message });
        await store.UpdateOperationAsync(final, run.Shutdown);
        LogFinished(logger, final.Id, state, message);
    }

    [LoggerMessage(EventId = 200, EventName = "OperationPlanned", Level = LogLevel.Information,
        Message = "Operation {OperationId} planned: {TaskCount} tasks on {HostCount} hosts")]
    private static partial void LogPlanned(ILogger logger, string operationId, int taskCount, int hostCount);

    [LoggerMessage(EventId = 203, EventName = "OperationFinished", Level = LogLevel.Information,
        Message = "Operation {OperationId} finished {State}: {Message}")]
    private static partial void LogFinished(ILogger logger, string operationId, OperationState state, string message);
}
