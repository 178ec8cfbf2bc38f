namespace HvFleet.Orchestrator.Operations;

/// <summary>Export settings passed to every agent (Msvm_CollectionSnapshotExportSettingData).</summary>
public sealed record FleetExportOptions
{
    public bool CopyVmStorage { get; init; } = true;

    public bool CreateVmExportSubdirectory { get; init; }

    public bool CopyVmRuntimeInformation { get; init; }

    /// <summary>Agent BackupIntent value (0 unspecified, 1 preserve chain, 2 merge).</summary>
    public int BackupIntent { get; init; }

    public string DifferentialBackupBase { get; init; } = "";

    /// <summary>Agent CaptureLiveState value (0 unspecified, 1 crash, 2 saved state, 3 app consistent).</summary>
    public int CaptureLiveState { get; init; }

    /// <summary>Allow a non-empty export directory to be replaced.</summary>
    public bool Overwrite { get; init; }
}
