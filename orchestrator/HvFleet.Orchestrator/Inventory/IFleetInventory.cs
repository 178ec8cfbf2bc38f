namespace HvFleet.Orchestrator.Inventory;

/// <summary>The current set of hosts. Reloading swaps it atomically; a bad file keeps the previous set.</summary>
public interface IFleetInventory
{
    /// <summary>The hosts as last loaded successfully, in file order.</summary>
    IReadOnlyList<FleetHost> Hosts { get; }

    /// <summary>Incremented on every successful (re)load.</summary>
    long Version { get; }

    /// <summary>Reads the source again. Throws <see cref="InventoryException"/> (and keeps the current hosts) when invalid.</summary>
    Task ReloadAsync(CancellationToken cancellationToken);
}
