namespace HvFleet.Orchestrator.Agents;

/// <summary>An agent job's state.</summary>
public enum AgentJobState
{
    Pending = 1,
    Running = 2,
    Completed = 3,
    Failed = 4,
    Cancelled = 5,
}
