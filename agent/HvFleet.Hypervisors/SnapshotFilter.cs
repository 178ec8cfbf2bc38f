namespace HvFleet.Hypervisors;

/// <summary>Filter for <see cref="IHypervisor.ListSnapshotsAsync"/>; null fields match everything.</summary>
public sealed record SnapshotFilter(string? CollectionId = null, string? VmId = null)
{
    public static readonly SnapshotFilter All = new();
}
