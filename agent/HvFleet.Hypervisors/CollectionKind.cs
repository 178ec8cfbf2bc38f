namespace HvFleet.Hypervisors;

/// <summary>Hyper-V CollectionType: 0 = a group of VMs, 1 = a group of groups.</summary>
public enum CollectionKind
{
    VmCollection = 0,
    ManagementCollection = 1,
}
