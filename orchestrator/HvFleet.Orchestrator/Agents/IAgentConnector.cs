using HvFleet.Orchestrator.Inventory;

namespace HvFleet.Orchestrator.Agents;

/// <summary>Gives the client for a host. Implementations keep one connection (channel) per agent and reuse it.</summary>
public interface IAgentConnector
{
    IAgentClient GetClient(FleetHost host);
}
