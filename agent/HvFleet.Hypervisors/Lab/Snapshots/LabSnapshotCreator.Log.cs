using Microsoft.Extensions.Logging;

namespace HvFleet.Hypervisors.Lab.Snapshots;

internal sealed partial class LabSnapshotCreator
{
    [LoggerMessage(EventId = 1010, EventName = "LabSnapshotCreated", Level = LogLevel.Information, Message = "Created {Kind} snapshot {SnapshotId} '{Name}' ({Scope}, {Members} VMs)")]
    private static partial void LogSnapshotCreated(ILogger logger, string snapshotId, string name, SnapshotKind kind, SnapshotScope scope, int members);

    [LoggerMessage(EventId = 1011, EventName = "LabSnapshotFailed", Level = LogLevel.Warning, Message = "Snapshot of {Target} failed; nothing was kept")]
    private static partial void LogSnapshotFailed(ILogger logger, string target, Exception exception);
}
