using HvFleet.Orchestrator.Operations;

namespace HvFleet.Orchestrator.Agents;

/// <summary>Checkpoint a VM group (<see cref="CollectionId"/>) or VMs (<see cref="VmIds"/>).</summary>
public sealed record CreateSnapshotCommand
{
    public string CollectionId { get; init; } = "";

    public IReadOnlyList<string> VmIds { get; init; } = [];

    public FleetSnapshotKind Kind { get; init; } = FleetSnapshotKind.Recovery;

    public string Name { get; init; } = "";

    public required string RequestId { get; init; }
}
