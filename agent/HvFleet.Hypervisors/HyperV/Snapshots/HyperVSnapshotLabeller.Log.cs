using Microsoft.Extensions.Logging;

namespace HvFleet.Hypervisors.HyperV.Snapshots;

internal sealed partial class HyperVSnapshotLabeller
{
    [LoggerMessage(EventId = 4111, EventName = "HyperVOriginNotRecorded", Level = LogLevel.Warning, Message = "Checkpoint {SnapshotId} could not be given the job's identity in its Notes")]
    private static partial void LogOriginNotRecorded(ILogger logger, string snapshotId, Exception exception);
}
