using Microsoft.Extensions.Logging;

namespace HvFleet.Hypervisors.Lab;

internal sealed partial class LabFileCopier
{
    /// <summary>One file copied (into a snapshot or an export), and how.</summary>
    [LoggerMessage(EventId = 1012, EventName = "LabFileCopied", Level = LogLevel.Debug, Message = "Copied {File}: {Bytes} bytes by {Path}")]
    internal static partial void LogFileCopied(ILogger logger, string file, long bytes, LabCopyPath path);
}
