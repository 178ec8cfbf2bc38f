namespace HvFleet.Orchestrator.Agents;

/// <summary>A virtual machine on a host.</summary>
public sealed record AgentVirtualMachine(string Id, string Name);
