using HvFleet.Orchestrator.Agents;
using HvFleet.Orchestrator.Inventory;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>A task's host in the inventory (by name, case-insensitive) and its agent client: the one lookup that every
/// step of a task (attempts, cancel, cleanup, re-planning a retry) makes.</summary>
internal sealed class HostClients(IFleetInventory inventory, IAgentConnector connector)
{
    /// <summary>The inventory entry named <paramref name="hostName"/>, or null when it is no longer in the inventory.</summary>
    public FleetHost? FindHost(string hostName) =>
        inventory.Hosts.FirstOrDefault(h => string.Equals(h.Name, hostName, StringComparison.OrdinalIgnoreCase));

    /// <summary>The client of the host named <paramref name="hostName"/>, or null when it is no longer in the inventory.</summary>
    public IAgentClient? Find(string hostName) => FindHost(hostName) is { } host ? connector.GetClient(host) : null;
}
