namespace HvFleet.Hypervisors.Lab.State;

/// <summary>One virtual hard disk of a VM, or its frozen copy inside a snapshot.</summary>
internal sealed class LabDiskRecord
{
    /// <summary>File name (no directory), e.g. <c>web-01.vhdx</c>.</summary>
    public string FileName { get; set; } = "";

    /// <summary>Controller slot the disk is attached to, e.g. <c>SCSI 0:0</c>.</summary>
    public string Controller { get; set; } = "";

    public long SizeBytes { get; set; }

    /// <summary>SHA-256 (lower-case hex) of the content; set for snapshot copies only.</summary>
    public string? Sha256 { get; set; }
}
