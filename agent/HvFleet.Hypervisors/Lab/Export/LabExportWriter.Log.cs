using Microsoft.Extensions.Logging;

namespace HvFleet.Hypervisors.Lab.Export;

internal sealed partial class LabExportWriter
{
    [LoggerMessage(EventId = 1013, EventName = "LabDifferencingDiskWritten", Level = LogLevel.Debug, Message = "Wrote differencing disk {File}: {ChangedBlocks} of {TotalBlocks} blocks changed, {Bytes} bytes")]
    private static partial void LogDifferencingDiskWritten(ILogger logger, string file, int changedBlocks, long totalBlocks, long bytes);

    [LoggerMessage(EventId = 1029, EventName = "LabExportDigestMismatch", Level = LogLevel.Error, Message = "Snapshot {SnapshotId} is damaged on disk: {Count} file(s) differ from the digests recorded when it was taken: {Files}")]
    private static partial void LogExportDigestMismatch(ILogger logger, string snapshotId, int count, string files);
}
