using HvFleet.Orchestrator.Policy;

namespace HvFleet.Orchestrator.Operations;

/// <summary>StartFleetSnapshot: which hosts, which targets on each, what kind of checkpoint, under which policy.</summary>
public sealed record FleetSnapshotRequest
{
    public HostSelector Hosts { get; init; } = new();
    public TargetSelector Targets { get; init; } = TargetSelector.AllCollections;
    public FleetSnapshotKind Kind { get; init; } = FleetSnapshotKind.Recovery;
    public string Name { get; init; } = "";
    public FleetPolicy Policy { get; init; } = FleetPolicy.Default;
    /// <summary>Idempotency key: the same key returns the same operation.</summary>
    public string RequestId { get; init; } = "";
    public bool DryRun { get; init; }
}
