namespace HvFleet.Hypervisors.Lab.Export;

/// <summary>A disk reference inside an exported configuration.</summary>
internal sealed class LabVmConfigurationDisk
{
    public string Controller { get; set; } = "";

    /// <summary>Path of the disk: relative to the VM's export folder when storage was copied, else the host path.</summary>
    public string Path { get; set; } = "";

    public long SizeBytes { get; set; }

    public string? Sha256 { get; set; }

    /// <summary>True when a differential export left the disk out because it equals the base's.</summary>
    public bool InDifferentialBase { get; set; }

    /// <summary>For a differencing disk (.avhdx): SHA-256 of the base disk it applies to; <see cref="Sha256"/> is the result's.</summary>
    public string? ParentSha256 { get; set; }
}
