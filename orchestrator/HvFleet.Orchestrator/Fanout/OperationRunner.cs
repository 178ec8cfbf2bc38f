using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Policy;
using HvFleet.Orchestrator.Store;
using Microsoft.Extensions.Logging;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>Runs one operation: plan (when not yet planned), then wave after wave, starting tasks as the caps allow
/// and applying the failure budgets, then the final state and the cleanup policy. One coordinator loop per wave
/// owns the caps and the counts; task runners only report back.</summary>
internal sealed partial class OperationRunner(
    OperationPlanner planner,
    TaskRunner taskRunner,
    IOperationStore store,
    TimeProvider timeProvider,
    ILogger logger)
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
        var budget = new BudgetState(policy);
        foreach (int wave in operation.Tasks.Select(t => t.Wave).Distinct().Order())
        {
            await RunWaveAsync(run, wave, policy, budget, resumed);
        }

        await FinishAsync(run, budget);
    }

    private async Task RunWaveAsync(RunContext run, int wave, FleetPolicy policy, BudgetState budget, bool resumed)
    {
        var operation = run.Operation;
        var waveTasks = operation.Tasks.Where(t => t.Wave == wave).ToList();
        var pending = new LinkedList<FleetTask>(waveTasks.Where(t => !t.Outcome.IsTerminal()));

        // Tasks already failed in this wave (planning failures, or before a restart) count against the budgets.
        int waveFailures = waveTasks.Count(t => t.Outcome.IsFailure() && t.Outcome is not (TaskOutcome.Skipped or TaskOutcome.Cancelled));
        budget.FleetFailures += waveFailures;
        if (pending.Count == 0)
        {
            return;
        }

        LogWaveStarting(logger, run.Live.Id, wave, pending.Count);
        var gate = new CapacityGate(policy);
        // Completions arrive on a channel: one await per completion, not a WhenAny over every running task (O(n²) at 1,000 hosts).
        var completions = System.Threading.Channels.Channel.CreateUnbounded<(Task<FleetTask> Run, FleetTask Started)>(
            new System.Threading.Channels.UnboundedChannelOptions { SingleReader = true });
        var running = new HashSet<Task<FleetTask>>();
        while (true)
        {
            string? skipReason = budget.FleetExceeded
                ? $"skipped: the fleet failure budget ({policy.FailureBudget}) was exceeded"
                : policy.WaveFailureBudget is { } waveBudget && waveFailures > waveBudget
                    ? $"skipped: wave {wave + 1}'s failure budget ({waveBudget}) was exceeded"
                    : null;
            if (run.Cancel.IsCancellationRequested)
            {
                await CancelPendingAsync(run, pending, resumed);
            }
            else if (skipReason is not null)
            {
                await EndPendingAsync(run, pending, TaskOutcome.Skipped, skipReason);
            }
            else
            {
                for (var node = pending.First; node is not null;)
                {
                    var next = node.Next;
                    if (gate.TryAcquire(node.Value))
                    {
                        var started = node.Value;
                        var runTask = taskRunner.RunAsync(run, started, policy, operation);
                        running.Add(runTask);
                        _ = runTask.ContinueWith(t => completions.Writer.TryWrite((t, started)), CancellationToken.None,
                            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                        pending.Remove(node);
                    }

                    node = next;
                }
            }

            if (running.Count == 0)
            {
                break;
            }

            var (done, startedTask) = await completions.Reader.ReadAsync(CancellationToken.None);
            gate.Release(startedTask);
            running.Remove(done);
            FleetTask result;
            try
            {
                result = await done;
            }
            catch (OperationCanceledException) when (run.Shutdown.IsCancellationRequested)
            {
                // Stopping: let the other runners notice too, then leave everything where it stands.
                await Task.WhenAll(running.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
                throw;
            }

            if (result.Outcome.IsFailure() && result.Outcome is not (TaskOutcome.Skipped or TaskOutcome.Cancelled))
            {
                waveFailures++;
                budget.FleetFailures++;
            }
        }

        if (policy.WaveFailureBudget is { } limit && waveFailures > limit && !budget.FleetExceeded)
        {
            LogWaveOverBudget(logger, run.Live.Id, wave, waveFailures);
        }
    }

    /// <summary>Cancelled before this run started them. In a resumed run any of them may have a job on its agent: an
    /// attempt's start is stored only with the first job event, so a task whose start reached the agent just before a
    /// crash looks like one never started. Each is cancelled through its agent (the job found by id or by request id).
    /// In a fresh run, tasks still pending here never reached an agent.</summary>
    private async Task CancelPendingAsync(RunContext run, LinkedList<FleetTask> pending, bool resumed)
    {
        var started = pending.Where(t => resumed || t.Attempts > 0 || t.AgentJobId.Length > 0).ToList();
        foreach (var task in started)
        {
            pending.Remove(task);
        }

        await Task.WhenAll(started.Select(t => taskRunner.CancelStartedAsync(run, t)));
        await EndPendingAsync(run, pending, TaskOutcome.Cancelled, "cancelled before it started");
    }

    private async Task EndPendingAsync(RunContext run, LinkedList<FleetTask> pending, TaskOutcome outcome, string reason)
    {
        var now = timeProvider.GetUtcNow();
        foreach (var task in pending)
        {
            var ended = task with
            {
                Outcome = outcome,
                StatusText = reason,
                FinishedAt = now,
                Error = task.Error ?? new TaskError(0, outcome == TaskOutcome.Skipped ? "skipped" : "cancelled", reason, 0),
            };
            await store.UpdateTaskAsync(run.Live.Id, ended, run.Shutdown);
            run.Live.UpdateTask(ended);
        }

        pending.Clear();
    }

    private async Task FinishAsync(RunContext run, BudgetState budget)
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
            int removed = 0;
            foreach (var task in operation.Tasks.Where(t => t.SnapshotIds.Count > 0 && !t.CleanedUp))
            {
                if ((await taskRunner.CleanupAsync(run, task)).CleanedUp)
                {
                    removed++;
                }
            }

            if (removed > 0)
            {
                message += $"; cleanup removed the checkpoints of {removed} targets";
            }
        }

        var final = run.Live.UpdateOperation(o => o with { State = state, FinishedAt = timeProvider.GetUtcNow(), Message = message });
        await store.UpdateOperationAsync(final, run.Shutdown);
        LogFinished(logger, final.Id, state, message);
    }

    /// <summary>Failures counted fleet-wide across waves.</summary>
    private sealed class BudgetState(FleetPolicy policy)
    {
        public int FleetFailures { get; set; }

        public bool FleetExceeded => policy.FailureBudget is { } budget && FleetFailures > budget;
    }

    [LoggerMessage(EventId = 200, EventName = "OperationPlanned", Level = LogLevel.Information,
        Message = "Operation {OperationId} planned: {TaskCount} tasks on {HostCount} hosts")]
    private static partial void LogPlanned(ILogger logger, string operationId, int taskCount, int hostCount);

    [LoggerMessage(EventId = 201, EventName = "WaveStarting", Level = LogLevel.Information,
        Message = "Operation {OperationId}: wave {Wave} starting with {TaskCount} tasks")]
    private static partial void LogWaveStarting(ILogger logger, string operationId, int wave, int taskCount);

    [LoggerMessage(EventId = 202, EventName = "WaveOverBudget", Level = LogLevel.Warning,
        Message = "Operation {OperationId}: wave {Wave} exceeded its failure budget ({Failures} failures); later waves continue")]
    private static partial void LogWaveOverBudget(ILogger logger, string operationId, int wave, int failures);

    [LoggerMessage(EventId = 203, EventName = "OperationFinished", Level = LogLevel.Information,
        Message = "Operation {OperationId} finished {State}: {Message}")]
    private static partial void LogFinished(ILogger logger, string operationId, OperationState state, string message);
}
