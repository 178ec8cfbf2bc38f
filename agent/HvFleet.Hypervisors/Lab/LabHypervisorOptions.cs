namespace HvFleet.Hypervisors.Lab;

/// <summary>
/// Configuration of the lab hypervisor (section <c>Lab</c>): where the host lives, how a fresh
/// host is seeded, how running VMs write to their disks, how files are copied, and what latency
/// and failures to inject.
/// </summary>
public sealed class LabHypervisorOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Lab";

    /// <summary>The directory that holds the lab host (state file, VM disks, snapshots). Required.</summary>
    public string Directory { get; set; } = "";

    /// <summary>Name reported for the lab host. Default: the machine name.</summary>
    public string? HostName { get; set; }

    /// <summary>VM groups created when the directory is empty. Default 3.</summary>
    public int SeedCollections { get; set; } = 3;

    /// <summary>Fewest VMs per seeded group. Default 2.</summary>
    public int SeedMinVmsPerCollection { get; set; } = 2;

    /// <summary>Most VMs per seeded group. Default 4.</summary>
    public int SeedMaxVmsPerCollection { get; set; } = 4;

    /// <summary>Size of each seeded disk, in bytes. Default 32 MiB.</summary>
    public long SeedDiskSizeBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Seed for the pseudo-random disk content; null picks one at random. Default null.</summary>
    public int? SeedRandomSeed { get; set; }

    /// <summary>Whether running VMs keep writing to their disks (simulated guest I/O). Default true.</summary>
    public bool GuestIoEnabled { get; set; } = true;

    /// <summary>Time between two simulated guest writes to each running VM's disks. Default 250 ms.</summary>
    public TimeSpan GuestIoInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Bytes written per simulated guest write. Default 64 KiB.</summary>
    public int GuestIoBlockSize { get; set; } = 64 * 1024;

    /// <summary>Chunk size of buffered copies; progress is reported once per chunk. Default 2 MiB.</summary>
    public int CopyBufferSize { get; set; } = 2 * 1024 * 1024;

    /// <summary>How disk files are copied (snapshots and exports). Default <see cref="LabCopyMethod.Auto"/>.</summary>
    public LabCopyMethod CopyMethod { get; set; } = LabCopyMethod.Auto;

    /// <summary>Latency and failures injected into every operation. Default: none.</summary>
    public LabFaultOptions Faults { get; set; } = new();

    /// <summary>Per-operation overrides of <see cref="Faults"/>, keyed by operation.</summary>
    public Dictionary<BackendOperationKind, LabFaultOptions> OperationFaults { get; set; } = [];

    /// <summary>Seed for the failure-probability dice; null picks one at random. Default null.</summary>
    public int? FaultRandomSeed { get; set; }
}
