namespace HvFleet.Orchestrator.Operations;

/// <summary>One host × target unit of work of a fleet operation. Immutable: every change is a new value.</summary>
public sealed record FleetTask
{
    /// <summary>Unique within the operation ("t0001", ...), in plan order.</summary>
    public required string Id { get; init; }

    public required string HostName { get; init; }

    /// <summary>The host's storage key when planned (for the per-storage cap).</summary>
    public string StorageKey { get; init; } = "";

    public required TargetKind TargetKind { get; init; }

    /// <summary>Collection, VM or snapshot id; empty when the target could not be resolved.</summary>
    public string TargetId { get; init; } = "";

    public string TargetName { get; init; } = "";

    public TaskOutcome Outcome { get; init; } = TaskOutcome.Pending;

    public string AgentJobId { get; init; } = "";

    public IReadOnlyList<string> SnapshotIds { get; init; } = [];

    /// <summary>For exports: the directory asked for, then the agent's final export path.</summary>
    public string ExportPath { get; init; } = "";

    public TaskError? Error { get; init; }

    public int Attempts { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public int Percent { get; init; }

    public long BytesDone { get; init; }

    public long BytesTotal { get; init; }

    /// <summary>0-based wave index.</summary>
    public int Wave { get; init; }

    /// <summary>The idempotency key sent to the agent, derived from the operation and target.</summary>
    public required string RequestId { get; init; }

    public string StatusText { get; init; } = "";

    /// <summary>On a retry operation: the agent job of the task being retried, checked (and adopted
    /// when it completed after all) before anything is re-run.</summary>
    public string PreviousJobId { get; init; } = "";

    /// <summary>True once the cleanup policy deleted the checkpoints this task created.</summary>
    public bool CleanedUp { get; init; }
}
