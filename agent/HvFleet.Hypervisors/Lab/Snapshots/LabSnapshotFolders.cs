using Microsoft.Extensions.Logging;

namespace HvFleet.Hypervisors.Lab.Snapshots;

/// <summary>Removal of snapshot folders that are no longer wanted (a failed checkpoint's copies, a deleted checkpoint).</summary>
internal static partial class LabSnapshotFolders
{
    /// <summary>Deletes a folder and what it holds; a failure is logged, not thrown: the operation's outcome stands.</summary>
    public static void DeleteQuietly(string path, ILogger logger)
    {
        try
        {
            if (System.IO.Directory.Exists(path))
            {
                System.IO.Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogCleanupFailed(logger, path, ex);
        }
    }

    [LoggerMessage(EventId = 1004, EventName = "LabCleanupFailed", Level = LogLevel.Warning, Message = "Could not remove {Path}")]
    private static partial void LogCleanupFailed(ILogger logger, string path, Exception exception);
}
