namespace HvFleet.Hypervisors;

/// <summary>Export settings, independent of the two Hyper-V classes' numberings.</summary>
public sealed record ExportOptions(
    bool CopyVmStorage = true,
    bool CreateVmExportSubdirectory = true,
    bool CopyVmRuntimeInformation = false,
    BackupIntent BackupIntent = BackupIntent.Default,
    string? DifferentialBackupBase = null,
    CaptureLiveState CaptureLiveState = CaptureLiveState.Default)
{
    public static readonly ExportOptions Default = new();
}
