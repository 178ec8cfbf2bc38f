using Microsoft.Extensions.Logging;

namespace HvFleet.Hypervisors.HyperV.Jobs;

internal sealed partial class HyperVJobResumer
{
    [LoggerMessage(EventId = 4111, EventName = "HyperVJobResumed", Level = LogLevel.Information, Message = "Re-attached to Hyper-V job {InstanceId} ({Operation})")]
    private static partial void LogResumed(ILogger logger, string instanceId, BackendOperationKind operation);

    [LoggerMessage(EventId = 4112, EventName = "HyperVResumeJobGone", Level = LogLevel.Warning, Message = "Hyper-V job {InstanceId} no longer exists; it cannot be re-attached")]
    private static partial void LogResumeJobGone(ILogger logger, string instanceId);
}
