using HvFleet.Orchestrator.Agents;
using HvFleet.Orchestrator.Operations;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>A task as an agent job's end leaves it.</summary>
internal static class TaskResults
{
    public static FleetTask Complete(FleetTask task, RemoteJob job) => job.State switch
    {
        AgentJobState.Completed => task with
        {
            Outcome = TaskOutcome.Succeeded,
            SnapshotIds = job.SnapshotIds,
            ExportPath = job.ExportPath.Length > 0 ? job.ExportPath : task.ExportPath,
            Percent = 100,
            Error = null,
        },
        AgentJobState.Cancelled => task with
        {
            Outcome = TaskOutcome.Cancelled,
            Error = new TaskError(job.Error?.HyperVCode ?? 0, "cancelled on the agent", job.Error?.Description ?? job.StatusText, 0),
        },
        _ => task with
        {
            Outcome = TaskOutcome.Failed,
            Error = new TaskError(job.Error?.HyperVCode ?? 0, job.Error?.Summary ?? "job failed", job.Error?.Description ?? job.StatusText, 0),
        },
    };

    /// <summary>A job that completed before the cancel reached it left checkpoints: the task records them, so the
    /// cleanup policy can remove them and a retry adopts them instead of taking a second one.</summary>
    public static FleetTask WithCheckpoints(FleetTask task, RemoteJob job) =>
        job.State == AgentJobState.Completed && job.SnapshotIds.Count > 0 ? task with { SnapshotIds = job.SnapshotIds } : task;

    public static FleetTask Cancelled(FleetTask task, string status) => task with
    {
        Outcome = TaskOutcome.Cancelled,
        Error = new TaskError(0, "cancelled", "the operation was cancelled", (int)AgentStatusCode.Cancelled),
        StatusText = status,
    };
}
