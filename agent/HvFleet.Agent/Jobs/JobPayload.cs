using HvFleet.Hypervisors;

namespace HvFleet.Agent.Jobs;

/// <summary>The flat, serializable form of a <see cref="JobSpec"/>; fields that do not apply are null.</summary>
internal sealed record JobPayload
{
    public required JobKind Kind { get; init; }

    public string? CollectionId { get; init; }

    public IReadOnlyList<string>? VmIds { get; init; }

    public SnapshotKind? SnapshotKind { get; init; }

    public string? Name { get; init; }

    public ConsistencyLevel? Consistency { get; init; }

    public string? SnapshotId { get; init; }

    public string? ExportDirectory { get; init; }

    public ExportOptions? ExportOptions { get; init; }

    public bool Overwrite { get; init; }
}
