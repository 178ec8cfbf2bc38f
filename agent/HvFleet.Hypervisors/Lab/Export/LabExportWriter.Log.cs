using Microsoft.Extensions.Logging;

namespace HvFleet.Hypervisors.Lab;

public sealed partial class LabHypervisor
{
    [LoggerMessage(EventId = 1001, EventName = "LabSeeded", Level = LogLevel.Information, Message = "Seeded a sample lab host in {Directory}: {Collections} VM groups, {Vms} VMs, disks of {DiskBytes} bytes")]
    private static partial void LogSeeded(ILogger logger, string directory, int collections, int vms, long diskBytes);

    [LoggerMessage(EventId = 1002, EventName = "LabLoaded", Level = LogLevel.Information, Message = "Loaded lab host {Directory}: {Vms} VMs, {Collections} VM groups, {Snapshots} snapshots")]
    private static partial void LogLoaded(ILogger logger, string directory, int vms, int collections, int snapshots);

    [LoggerMessage(EventId = 1004, EventName = "LabCleanupFailed", Level = LogLevel.Warning, Message = "Could not remove {Path}")]
    private static partial void LogCleanupFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 1010, EventName = "LabSnapshotCreated", Level = LogLevel.Information, Message = "Created {Kind} snapshot {SnapshotId} '{Name}' ({Scope}, {Members} VMs)")]
    private static partial void LogSnapshotCreated(ILogger logger, string snapshotId, string name, SnapshotKind kind, SnapshotScope scope, int members);

    [LoggerMessage(EventId = 1011, EventName = "LabSnapshotFailed", Level = LogLevel.Warning, Message = "Snapshot of {Target} failed; nothing was kept")]
    private static partial void LogSnapshotFailed(ILogger logger, string target, Exception exception);

    [LoggerMessage(EventId = 1012, EventName = "LabFileCopied", Level = LogLevel.Debug, Message = "Copied {File}: {Bytes} bytes by {Path}")]
    private static partial void LogFileCopied(ILogger logger, string file, long bytes, LabCopyPath path);

    [LoggerMessage(EventId = 1013, EventName = "LabDifferencingDiskWritten", Level = LogLevel.Debug, Message = "Wrote differencing disk {File}: {ChangedBlocks} of {TotalBlocks} blocks changed, {Bytes} bytes")]
    private static partial void LogDifferencingDiskWritten(ILogger logger, string file, int changedBlocks, long totalBlocks, long bytes);

    [LoggerMessage(EventId = 1020, EventName = "LabExportCompleted", Level = LogLevel.Information, Message = "Exported snapshot {SnapshotId} to {Directory}: {Files} files, {Bytes} bytes")]
    private static partial void LogExportCompleted(ILogger logger, string snapshotId, string directory, int files, long bytes);

    [LoggerMessage(EventId = 1021, EventName = "LabExportFailed", Level = LogLevel.Warning, Message = "Export of snapshot {SnapshotId} to {Directory} failed; nothing was left behind")]
    private static partial void LogExportFailed(ILogger logger, string snapshotId, string directory, Exception exception);

    [LoggerMessage(EventId = 1022, EventName = "LabExportCancelled", Level = LogLevel.Information, Message = "Export of snapshot {SnapshotId} to {Directory} was cancelled; nothing was left behind")]
    private static partial void LogExportCancelled(ILogger logger, string snapshotId, string directory);

    [LoggerMessage(EventId = 1029, EventName = "LabExportDigestMismatch", Level = LogLevel.Error, Message = "Snapshot {SnapshotId} is damaged on disk: {Count} file(s) differ from the digests recorded when it was taken: {Files}")]
    private static partial void LogExportDigestMismatch(ILogger logger, string snapshotId, int count, string files);

    [LoggerMessage(EventId = 1030, EventName = "LabSnapshotDeleted", Level = LogLevel.Information, Message = "Deleted snapshot {SnapshotId} '{Name}'")]
    private static partial void LogSnapshotDeleted(ILogger logger, string snapshotId, string name);

    [LoggerMessage(EventId = 1031, EventName = "LabDeleteFailed", Level = LogLevel.Warning, Message = "Delete of snapshot {SnapshotId} failed")]
    private static partial void LogDeleteFailed(ILogger logger, string snapshotId, Exception exception);
}
