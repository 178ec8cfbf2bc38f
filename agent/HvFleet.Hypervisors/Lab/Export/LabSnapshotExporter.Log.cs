using Microsoft.Extensions.Logging;

namespace HvFleet.Hypervisors.Lab.Export;

internal sealed partial class LabSnapshotExporter
{
    [LoggerMessage(EventId = 1020, EventName = "LabExportCompleted", Level = LogLevel.Information, Message = "Exported snapshot {SnapshotId} to {Directory}: {Files} files, {Bytes} bytes")]
    private static partial void LogExportCompleted(ILogger logger, string snapshotId, string directory, int files, long bytes);

    [LoggerMessage(EventId = 1021, EventName = "LabExportFailed", Level = LogLevel.Warning, Message = "Export of snapshot {SnapshotId} to {Directory} failed; nothing was left behind")]
    private static partial void LogExportFailed(ILogger logger, string snapshotId, string directory, Exception exception);

    [LoggerMessage(EventId = 1022, EventName = "LabExportCancelled", Level = LogLevel.Information, Message = "Export of snapshot {SnapshotId} to {Directory} was cancelled; nothing was left behind")]
    private static partial void LogExportCancelled(ILogger logger, string snapshotId, string directory);
}
