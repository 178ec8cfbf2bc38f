namespace HvFleet.Hypervisors;

/// <summary>Whether a snapshot covers a VM group or one VM.</summary>
public enum SnapshotScope
{
    Collection = 1,
    VirtualMachine = 2,
}
