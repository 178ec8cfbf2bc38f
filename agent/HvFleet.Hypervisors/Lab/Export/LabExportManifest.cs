namespace HvFleet.Hypervisors.Lab.Export;

/// <summary>The manifest an export writes at its root (<c>hvfleet-export.json</c>): every file with its size and SHA-256.</summary>
internal sealed class LabExportManifest
{
    public const string FileName = "hvfleet-export.json";

    public const string CurrentFormat = "hvfleet-export/1";

    public string Format { get; set; } = CurrentFormat;

    public string SnapshotId { get; set; } = "";

    public string SnapshotName { get; set; } = "";

    public SnapshotKind SnapshotType { get; set; }

    public SnapshotScope Scope { get; set; }

    public string? CollectionId { get; set; }

    /// <summary>When the snapshot was taken (the moment the exported disks hold).</summary>
    public DateTimeOffset SnapshotCreatedAt { get; set; }

    public DateTimeOffset ExportedAt { get; set; }

    public string HostName { get; set; } = "";

    public bool CopyVmStorage { get; set; }

    public bool CreateVmExportSubdirectory { get; set; }

    public bool CopyVmRuntimeInformation { get; set; }

    public BackupIntent BackupIntent { get; set; }

    public CaptureLiveState CaptureLiveState { get; set; }

    /// <summary>
    /// The snapshot this export is a differential of: disks unchanged since it are left out, changed
    /// ones are written as differencing disks (.avhdx) of the blocks that differ.
    /// </summary>
    public string? DifferentialBackupBase { get; set; }

    public List<LabExportManifestVm> Vms { get; set; } = [];

    public List<LabExportManifestFile> Files { get; set; } = [];

    public long TotalBytes { get; set; }
}
