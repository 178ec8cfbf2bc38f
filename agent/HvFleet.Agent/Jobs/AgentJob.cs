using HvFleet.Hypervisors;

namespace HvFleet.Agent.Jobs;

/// <summary>
/// A job's whole state, as persisted and as streamed to watchers. Immutable: every change makes
/// a new instance with a higher <see cref="Sequence"/>.
/// </summary>
internal sealed record AgentJob
{
    public required string Id { get; init; }

    public required JobKind Kind { get; init; }

    public required JobState State { get; init; }

    /// <summary>0..100.</summary>
    public int Percent { get; init; }

    public long BytesDone { get; init; }

    public long BytesTotal { get; init; }

    public string? StatusText { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Set when <see cref="State"/> is Failed (and for agent-stopped jobs).</summary>
    public JobError? Error { get; init; }

    /// <summary>Set when <see cref="State"/> is Completed.</summary>
    public JobResult? Result { get; init; }

    /// <summary>The caller's idempotency key; unique among all jobs.</summary>
    public string? RequestId { get; init; }

    /// <summary>What the job acts on: collection id, VM ids or snapshot id.</summary>
    public IReadOnlyList<string> TargetIds { get; init; } = [];

    /// <summary>Problems that did not fail the job.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The backend's own job (Hyper-V: Msvm_ConcreteJob), for re-attach after a restart.</summary>
    public BackendJobReference? BackendJob { get; init; }

    /// <summary>The request, serialized canonically (see <see cref="JobSpec.ToPayload"/>).</summary>
    public required string Payload { get; init; }

    /// <summary>For exports: the confined target directory, so an interrupted export can be removed.</summary>
    public string? ExportDirectory { get; init; }

    /// <summary>For exports: whether the target existed before the job ran (then it is never removed).</summary>
    public bool ExportTargetExisted { get; init; }

    /// <summary>Monotonic per job within one agent process; starts at 1.</summary>
    public long Sequence { get; init; }
}
