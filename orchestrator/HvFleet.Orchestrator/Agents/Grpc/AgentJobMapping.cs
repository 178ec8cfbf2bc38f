using HvFleet.Protos.Agent.V1;

namespace HvFleet.Orchestrator.Agents.Grpc;

/// <summary>Agent protobuf jobs → domain records (Hyper-V codes unchanged).</summary>
internal static class AgentJobMapping
{
    public static RemoteJob ToDomain(Job job) => new()
    {
        Id = job.Id,
        State = job.State switch
        {
            JobState.Running => AgentJobState.Running,
            JobState.Completed => AgentJobState.Completed,
            JobState.Failed => AgentJobState.Failed,
            JobState.Cancelled => AgentJobState.Cancelled,
            _ => AgentJobState.Pending,
        },
        Percent = job.Percent,
        BytesDone = job.BytesDone,
        BytesTotal = job.BytesTotal,
        StatusText = job.StatusText,
        RequestId = job.RequestId,
        Error = job.Error is { } e && (e.HypervCode != 0 || e.Summary.Length > 0 || e.Description.Length > 0)
            ? new AgentJobError(e.HypervCode, e.Summary, e.Description)
            : null,
        SnapshotIds = job.Result?.SnapshotIds.ToList() ?? [],
        ExportPath = job.Result?.ExportPath ?? "",
    };
}
