using HvFleet.Orchestrator.Operations;

namespace HvFleet.Orchestrator.Agents;

/// <summary>Export one snapshot to a directory on the agent's host.</summary>
public sealed record ExportSnapshotCommand
{
    public required string SnapshotId { get; init; }

    public required string ExportDirectory { get; init; }

    public FleetExportOptions Options { get; init; } = new();

    public required string RequestId { get; init; }
}
