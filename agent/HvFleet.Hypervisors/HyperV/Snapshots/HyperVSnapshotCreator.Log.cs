using Microsoft.Extensions.Logging;

namespace HvFleet.Hypervisors.HyperV.Snapshots;

internal sealed partial class HyperVSnapshotCreator
{
    [LoggerMessage(EventId = 4111, EventName = "HyperVOriginNotRecorded", Level = LogLevel.Warning, Message = "Checkpoint {SnapshotId} could not be given the job's identity in its Notes")]
    private static partial void LogOriginNotRecorded(ILogger logger, string snapshotId, Exception exception);

    [LoggerMessage(EventId = 4110, EventName = "HyperVCollectionSettingsFallback", Level = LogLevel.Information, Message = "Group CreateSnapshot refused SnapshotSettings as {Refused}; retrying as {Retried}")]
    private static partial void LogSettingsFallback(ILogger logger, CollectionSettingsMode refused, CollectionSettingsMode retried);
}
