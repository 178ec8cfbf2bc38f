using HvFleet.Orchestrator.Agents;
using HvFleet.Orchestrator.Inventory;

namespace HvFleet.Orchestrator.Benchmarks.InProcess;

/// <summary>One <see cref="LatencyAgent"/> per host.</summary>
internal sealed class FleetConnector(IReadOnlyDictionary<string, LatencyAgent> agents) : IAgentConnector
{
    public IAgentClient GetClient(FleetHost host) => agents[host.Name];
}
