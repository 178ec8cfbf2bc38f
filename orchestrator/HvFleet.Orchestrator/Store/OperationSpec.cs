using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Policy;

namespace HvFleet.Orchestrator.Store;

/// <summary>What was asked, stored as one JSON document (it is read whole and never queried).</summary>
internal sealed record OperationSpec
{
    public HostSelector Hosts { get; init; } = HostSelector.Everything;
    public TargetSelector Targets { get; init; } = TargetSelector.AllCollections;
    public FleetSnapshotKind SnapshotKind { get; init; } = FleetSnapshotKind.Recovery;
    public string SnapshotName { get; init; } = "";
    public FleetPolicy Policy { get; init; } = FleetPolicy.Default;
    public string DestinationTemplate { get; init; } = "";
    public FleetExportOptions ExportOptions { get; init; } = new();

    public static OperationSpec From(FleetOperation operation) => new()
    {
        Hosts = operation.Hosts,
        Targets = operation.Targets,
        SnapshotKind = operation.SnapshotKind,
        SnapshotName = operation.SnapshotName,
        Policy = operation.Policy,
        DestinationTemplate = operation.DestinationTemplate,
        ExportOptions = operation.ExportOptions,
    };
}
