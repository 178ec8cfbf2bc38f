namespace HvFleet.Orchestrator.Agents;

/// <summary>A failed job's error with the Hyper-V code unchanged.</summary>
public sealed record AgentJobError(uint HyperVCode, string Summary, string Description);
