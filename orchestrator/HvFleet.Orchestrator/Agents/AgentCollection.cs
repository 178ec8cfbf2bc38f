namespace HvFleet.Orchestrator.Agents;

/// <summary>A VM group on a host.</summary>
public sealed record AgentCollection(string Id, string Name, IReadOnlyList<string> MemberVmIds);
