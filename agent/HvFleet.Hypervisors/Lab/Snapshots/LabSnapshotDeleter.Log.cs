using Microsoft.Extensions.Logging;

namespace HvFleet.Hypervisors.Lab.Snapshots;

internal sealed partial class LabSnapshotDeleter
{
    [LoggerMessage(EventId = 1030, EventName = "LabSnapshotDeleted", Level = LogLevel.Information, Message = "Deleted snapshot {SnapshotId} '{Name}'")]
    private static partial void LogSnapshotDeleted(ILogger logger, string snapshotId, string name);

    [LoggerMessage(EventId = 1031, EventName = "LabDeleteFailed", Level = LogLevel.Warning, Message = "Delete of snapshot {SnapshotId} failed")]
    private static partial void LogDeleteFailed(ILogger logger, string snapshotId, Exception exception);
}
