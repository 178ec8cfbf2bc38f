namespace HvFleet.Orchestrator.Agents;

/// <summary>A job's whole current state on an agent (every event is complete).</summary>
public sealed record RemoteJob
{
    public required string Id { get; init; }

    public AgentJobState State { get; init; } = AgentJobState.Pending;

    public int Percent { get; init; }

    public long BytesDone { get; init; }

    public long BytesTotal { get; init; }

    public string StatusText { get; init; } = "";

    public string RequestId { get; init; } = "";

    public AgentJobError? Error { get; init; }

    public IReadOnlyList<string> SnapshotIds { get; init; } = [];

    public string ExportPath { get; init; } = "";

    public bool IsTerminal => State is AgentJobState.Completed or AgentJobState.Failed or AgentJobState.Cancelled;
}
