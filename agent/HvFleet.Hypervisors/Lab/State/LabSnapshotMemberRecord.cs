namespace HvFleet.Hypervisors.Lab.State;

/// <summary>One VM captured by a snapshot: its configuration at that moment and its frozen disks.</summary>
internal sealed class LabSnapshotMemberRecord
{
    /// <summary>The VM's own snapshot id (the per-VM checkpoint inside a collection snapshot).</summary>
    public string SnapshotId { get; set; } = "";

    public string VmId { get; set; } = "";

    public string VmName { get; set; } = "";

    public VmState StateAtSnapshot { get; set; }

    public int ProcessorCount { get; set; }

    public long MemoryMiB { get; set; }

    public int Generation { get; set; }

    public List<LabDiskRecord> Disks { get; set; } = [];

    /// <summary>Whether a runtime (saved memory) state file was captured: running VMs only.</summary>
    public bool HasRuntimeState { get; set; }
}
