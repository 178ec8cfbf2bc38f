namespace HvFleet.Hypervisors;

/// <summary>The result of a successful operation; fields that do not apply are empty.</summary>
public sealed record OperationResult(
    IReadOnlyList<string> SnapshotIds,
    string? ExportPath = null,
    string? ManifestPath = null,
    long Bytes = 0,
    int Files = 0,
    IReadOnlyList<string>? Warnings = null)
{
    public static readonly OperationResult Empty = new([]);
}
