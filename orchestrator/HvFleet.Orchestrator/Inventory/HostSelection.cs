using HvFleet.Orchestrator.Operations;

namespace HvFleet.Orchestrator.Inventory;

/// <summary>Applies a <see cref="HostSelector"/> to the inventory.</summary>
public static class HostSelection
{
    /// <summary>The selected hosts in inventory order, and the names asked for that the inventory does not have.</summary>
    public static (IReadOnlyList<FleetHost> Hosts, IReadOnlyList<string> UnknownNames) Select(
        IReadOnlyList<FleetHost> inventory, HostSelector selector)
    {
        if (selector.IsEmpty)
        {
            return ([], []);
        }

        var names = new HashSet<string>(selector.Names, StringComparer.OrdinalIgnoreCase);
        var unknown = selector.Names.Where(n => !inventory.Any(h => string.Equals(h.Name, n, StringComparison.OrdinalIgnoreCase)))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var selected = inventory.Where(h =>
                (selector.All || names.Count == 0 || names.Contains(h.Name))
                && selector.Labels.All(l => h.Labels.TryGetValue(l.Key, out var v) && v == l.Value))
            .ToList();
        return (selected, unknown);
    }
}
