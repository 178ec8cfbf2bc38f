using HvFleet.Orchestrator.Agents;

namespace HvFleet.Orchestrator.Inventory;

/// <summary>An inventory host with what its agent said when last probed.</summary>
public sealed record HostStatus(
    FleetHost Host,
    HostReachability Reachability,
    string Backend,
    string AgentVersion,
    DateTimeOffset? CheckedAt,
    string Error)
{
    /// <summary>The agent's serving certificate (null over plaintext or when unreachable).</summary>
    public AgentCertificate? Certificate { get; init; }
}
