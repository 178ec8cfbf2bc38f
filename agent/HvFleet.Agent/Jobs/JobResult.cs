namespace HvFleet.Agent.Jobs;

/// <summary>What a completed job produced; fields that do not apply are empty.</summary>
internal sealed record JobResult(
    IReadOnlyList<string> SnapshotIds,
    string? ExportPath,
    string? ManifestPath,
    long Bytes,
    int Files);
