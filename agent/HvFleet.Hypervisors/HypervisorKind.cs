namespace HvFleet.Hypervisors;

/// <summary>Which hypervisor a backend drives.</summary>
public enum HypervisorKind
{
    Lab = 1,
    HyperV = 2,
}
