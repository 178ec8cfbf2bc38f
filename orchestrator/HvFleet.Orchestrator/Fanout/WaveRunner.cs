using System.Threading.Channels;
using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Policy;
using Microsoft.Extensions.Logging;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>Runs one wave: starts its tasks as the caps allow (<see cref="CapacityGate"/>), counts failures against the
/// wave's and the fleet's budgets, and skips or cancels what has not started once a budget is exceeded or the operation
/// is cancelled. One coordinator loop owns the caps and the counts; task runners only report back.</summary>
internal sealed partial class WaveRunner(
    TaskRunner taskRunner,
    AgentJobCanceller canceller,
    TaskRecorder recorder,
    TimeProvider timeProvider,
    ILogger<WaveRunner> logger)
{
    /// <summary>Runs wave <paramref name="wave"/> of the operation to its end under <paramref name="policy"/>, counting its
    /// failures into <paramref name="budget"/> as well. <paramref name="resumed"/>: the operation was planned before
    /// <paramref name="run"/> began, so an earlier run (before a restart) may have sent some tasks to their agents.</summary>
    public async Task RunAsync(RunContext run, int wave, FleetPolicy policy, FailureBudget budget, bool resumed)
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
        var completions = Channel.CreateUnbounded<(Task<FleetTask> Run, FleetTask Started)>(new UnboundedChannelOptions { SingleReader = true });
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

        await Task.WhenAll(started.Select(t => canceller.CancelStartedAsync(run, t)));
        await EndPendingAsync(run, pending, TaskOutcome.Cancelled, "cancelled before it started");
    }

    private async Task EndPendingAsync(RunContext run, LinkedList<FleetTask> pending, TaskOutcome outcome, string reason)
    {
        var now = timeProvider.GetUtcNow();
        foreach (var task in pending)
        {
            await recorder.SaveAsync(run, task with
            {
                Outcome = outcome,
                StatusText = reason,
                FinishedAt = now,
                Error = task.Error ?? new TaskError(0, outcome == TaskOutcome.Skipped ? "skipped" : "cancelled", reason, 0),
            }, durable: true);
        }

        pending.Clear();
    }

    [LoggerMessage(EventId = 201, EventName = "WaveStarting", Level = LogLevel.Information,
        Message = "Operation {OperationId}: wave {Wave} starting with {TaskCount} tasks")]
    private static partial void LogWaveStarting(ILogger logger, string operationId, int wave, int taskCount);

    [LoggerMessage(EventId = 202, EventName = "WaveOverBudget", Level = LogLevel.Warning,
        Message = "Operation {OperationId}: wave {Wave} exceeded its failure budget ({Failures} failures); later waves continue")]
    private static partial void LogWaveOverBudget(ILogger logger, string operationId, int wave, int failures);
}
