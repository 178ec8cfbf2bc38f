namespace HvFleet.Orchestrator.Operations;

/// <summary>How targets are chosen on each selected host.</summary>
public enum TargetSelectorKind
{
    /// <summary>Every VM group on the host.</summary>
    AllCollections = 1,
    /// <summary>VM groups by name or id.</summary>
    Collections = 2,
    /// <summary>VMs by name or id, each snapshotted on its own.</summary>
    VirtualMachines = 3,
}
