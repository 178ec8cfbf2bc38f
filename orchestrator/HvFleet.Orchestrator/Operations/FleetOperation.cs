using HvFleet.Orchestrator.Policy;

namespace HvFleet.Orchestrator.Operations;

/// <summary>A fleet-wide snapshot or export: what was asked, under which policy, and every task. Immutable.</summary>
public sealed record FleetOperation
{
    public required string Id { get; init; }

    public required OperationKind Kind { get; init; }

    public OperationState State { get; init; } = OperationState.Pending;

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The caller's idempotency key: the same key returns the same operation.</summary>
    public string RequestId { get; init; } = "";

    public HostSelector Hosts { get; init; } = HostSelector.Everything;

    public TargetSelector Targets { get; init; } = TargetSelector.AllCollections;

    public FleetSnapshotKind SnapshotKind { get; init; } = FleetSnapshotKind.Recovery;

    public string SnapshotName { get; init; } = "";

    public FleetPolicy Policy { get; init; } = FleetPolicy.Default;

    public bool DryRun { get; init; }

    /// <summary>For exports: the snapshot operation whose snapshots are exported.</summary>
    public string SourceOperationId { get; init; } = "";

    /// <summary>For exports: the per-target directory template ({host}, {date}, {time}, {operation}, {target}).</summary>
    public string DestinationTemplate { get; init; } = "";

    public FleetExportOptions ExportOptions { get; init; } = new();

    /// <summary>On a retry: the operation it retries.</summary>
    public string RetryOf { get; init; } = "";

    /// <summary>Why the operation ended as it did.</summary>
    public string Message { get; init; } = "";

    /// <summary>True once targets were resolved into <see cref="Tasks"/> (planning is done in the background).</summary>
    public bool IsPlanned { get; init; }

    public IReadOnlyList<FleetTask> Tasks { get; init; } = [];

    /// <summary>The aggregated view of <see cref="Tasks"/> at <paramref name="now"/>.</summary>
    public OperationSummary Summarize(DateTimeOffset now) => OperationSummary.From(this, now);
}
