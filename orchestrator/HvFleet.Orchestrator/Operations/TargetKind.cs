namespace HvFleet.Orchestrator.Operations;

/// <summary>What a task acts on.</summary>
public enum TargetKind
{
    /// <summary>A VM group (Hyper-V VM collection).</summary>
    Collection = 1,
    /// <summary>One virtual machine.</summary>
    VirtualMachine = 2,
    /// <summary>An existing snapshot, exported.</summary>
    Snapshot = 3,
}
