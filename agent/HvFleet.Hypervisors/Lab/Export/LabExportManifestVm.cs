namespace HvFleet.Hypervisors.Lab.Export;

/// <summary>One VM in an export manifest.</summary>
internal sealed class LabExportManifestVm
{
    public string VmId { get; set; } = "";

    public string VmName { get; set; } = "";

    public string SnapshotId { get; set; } = "";

    /// <summary>The VM's folder relative to the export root ("" when no per-VM subdirectory).</summary>
    public string Directory { get; set; } = "";

    /// <summary>Disks left out of a differential export because they equal the base's (file names).</summary>
    public List<string> UnchangedDisks { get; set; } = [];

    /// <summary>Disks a differential export wrote as differencing disks (.avhdx) against the base's (file names).</summary>
    public List<string> DifferencingDisks { get; set; } = [];
}
