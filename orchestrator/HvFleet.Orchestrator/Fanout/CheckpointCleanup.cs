using HvFleet.Orchestrator.Agents;
using HvFleet.Orchestrator.Operations;
using Microsoft.Extensions.Logging;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>The cleanup policy (<see cref="Policy.FleetPolicy.CleanupOnFailure"/>): deletes the checkpoints that the
/// tasks of a snapshot operation that did not fully succeed created.</summary>
internal sealed partial class CheckpointCleanup(
    HostClients hosts,
    TaskRecorder recorder,
    TimeProvider timeProvider,
    OrchestratorOptions options,
    ILogger<CheckpointCleanup> logger)
{
    /// <summary>Removes the checkpoints of every task that still has some. Returns how many tasks were cleaned up.</summary>
    public async Task<int> RemoveAsync(RunContext run, FleetOperation operation)
    {
        int removed = 0;
        foreach (var task in operation.Tasks.Where(t => t.SnapshotIds.Count > 0 && !t.CleanedUp))
        {
            if ((await CleanupAsync(run, task)).CleanedUp)
            {
                removed++;
            }
        }

        return removed;
    }

    /// <summary>Deletes the snapshots a task created. Returns the task marked cleaned up, or with the reason in its status
    /// when a delete failed.</summary>
    private async Task<FleetTask> CleanupAsync(RunContext run, FleetTask task)
    {
        if (hosts.Find(task.HostName) is not { } client)
        {
            return task;
        }

        var problems = new List<string>();
        foreach (string snapshotId in task.SnapshotIds)
        {
            using var timeout = new CancellationTokenSource(options.ControlCallTimeout, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, run.Shutdown);
            try
            {
                RemoteJob? last = null;
                await foreach (var job in client.DeleteSnapshotAsync(new DeleteSnapshotCommand(snapshotId, RequestIds.ForCleanup(task.RequestId, snapshotId)), linked.Token))
                {
                    last = job;
                }

                if (last?.State != AgentJobState.Completed)
                {
                    problems.Add($"{snapshotId}: {last?.Error?.Description ?? last?.State.ToString() ?? "no job"}");
                }
            }
            catch (Exception ex) when (ex is AgentCallException || (ex is OperationCanceledException && !run.Shutdown.IsCancellationRequested))
            {
                problems.Add($"{snapshotId}: {ex.Message}");
            }
        }

        var cleaned = problems.Count == 0
            ? task with { CleanedUp = true, StatusText = "checkpoint removed by the cleanup policy" }
            : task with { StatusText = $"cleanup failed: {string.Join("; ", problems)}" };
        LogCleanup(logger, task.HostName, task.TargetName, cleaned.CleanedUp);
        return await recorder.SaveAsync(run, cleaned, durable: true);
    }

    [LoggerMessage(EventId = 304, EventName = "CheckpointCleanup", Level = LogLevel.Information,
        Message = "Cleanup of {Host}/{Target} checkpoints: removed = {Removed}")]
    private static partial void LogCleanup(ILogger logger, string host, string target, bool removed);
}
