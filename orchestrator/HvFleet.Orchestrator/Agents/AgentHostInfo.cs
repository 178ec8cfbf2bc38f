namespace HvFleet.Orchestrator.Agents;

/// <summary>What an agent says about itself.</summary>
/// <param name="HostName">The host's own name.</param>
/// <param name="Backend">"lab" or "hyperv".</param>
/// <param name="AgentVersion">The agent's version string.</param>
/// <param name="Certificate">The agent's serving certificate, when it serves TLS.</param>
public sealed record AgentHostInfo(string HostName, string Backend, string AgentVersion, AgentCertificate? Certificate = null);
