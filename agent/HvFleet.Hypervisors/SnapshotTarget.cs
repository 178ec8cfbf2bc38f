namespace HvFleet.Hypervisors;

/// <summary>What to checkpoint: a VM group, or a set of VMs.</summary>
public sealed record SnapshotTarget
{
    private SnapshotTarget(string? collectionId, IReadOnlyList<string> vmIds)
    {
        CollectionId = collectionId;
        VmIds = vmIds;
    }

    public string? CollectionId { get; }

    public IReadOnlyList<string> VmIds { get; }

    public bool IsCollection => CollectionId is not null;

    public static SnapshotTarget Collection(string collectionId) => new(collectionId, []);

    public static SnapshotTarget VirtualMachines(IReadOnlyList<string> vmIds) => new(null, vmIds);
}
