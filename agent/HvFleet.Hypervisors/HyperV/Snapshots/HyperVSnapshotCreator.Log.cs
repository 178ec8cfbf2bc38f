using Microsoft.Extensions.Logging;

namespace HvFleet.Hypervisors.HyperV.Snapshots;

internal sealed partial class HyperVSnapshotCreator
{
    [LoggerMessage(EventId = 4110, EventName = "HyperVCollectionSettingsFallback", Level = LogLevel.Information, Message = "Group CreateSnapshot refused SnapshotSettings as {Refused}; retrying as {Retried}")]
    private static partial void LogSettingsFallback(ILogger logger, CollectionSettingsMode refused, CollectionSettingsMode retried);
}
