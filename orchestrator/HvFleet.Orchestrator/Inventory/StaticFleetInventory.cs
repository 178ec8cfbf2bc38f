namespace HvFleet.Orchestrator.Inventory;

/// <summary>A fixed inventory (tests, the demo).</summary>
public sealed class StaticFleetInventory(IReadOnlyList<FleetHost> hosts) : IFleetInventory
{
    public IReadOnlyList<FleetHost> Hosts { get; } = hosts;

    public long Version => 1;

    public Task ReloadAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
