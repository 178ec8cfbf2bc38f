namespace HvFleet.Hypervisors.Lab.Export;

/// <summary>
/// A VM or snapshot configuration as the lab exports it: a JSON stand-in for Hyper-V's .vmcx
/// (the VSSD and its resource settings, reference hyperv-wmi.md §3.3).
/// </summary>
internal sealed class LabVmConfiguration
{
    public string InstanceId { get; set; } = "";

    /// <summary>The VM GUID (VirtualSystemIdentifier).</summary>
    public string VirtualSystemIdentifier { get; set; } = "";

    /// <summary>ElementName: the VM name, or the snapshot name for a snapshot configuration.</summary>
    public string ElementName { get; set; } = "";

    /// <summary>E.g. Microsoft:Hyper-V:System:Realized, Microsoft:Hyper-V:Snapshot:Recovery.</summary>
    public string VirtualSystemType { get; set; } = "";

    public DateTimeOffset CreationTime { get; set; }

    public int Generation { get; set; }

    public int ProcessorCount { get; set; }

    public long MemoryMiB { get; set; }

    public string? SnapshotId { get; set; }

    public string? CollectionSnapshotId { get; set; }

    public string? Parent { get; set; }

    public bool IsSaved { get; set; }

    public List<LabVmConfigurationDisk> Disks { get; set; } = [];
}
