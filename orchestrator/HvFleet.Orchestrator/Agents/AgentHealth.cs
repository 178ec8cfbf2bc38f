namespace HvFleet.Orchestrator.Agents;

/// <summary>The agent's answer to a health check.</summary>
public enum AgentHealth
{
    Serving = 1,
    NotServing = 2,
}
