using HvFleet.Orchestrator.Policy;

namespace HvFleet.Orchestrator.Operations;

/// <summary>StartFleetExport: export every snapshot a snapshot operation created, each to its host's directory.</summary>
public sealed record FleetExportRequest
{
    public required string SnapshotOperationId { get; init; }
    /// <summary>{host}, {date} (yyyyMMdd), {time} (HHmmss), {operation} and {target} are replaced.</summary>
    public required string DestinationTemplate { get; init; }
    public FleetExportOptions Options { get; init; } = new();
    public FleetPolicy Policy { get; init; } = FleetPolicy.Default;
    public string RequestId { get; init; } = "";
    public bool DryRun { get; init; }
}
