using Microsoft.Extensions.Logging;

namespace HvFleet.Hypervisors.Lab.State;

/// <summary>
/// Start-up cleanup of what interrupted operations left. It removes only what is positively ours
/// and unfinished, recognised by name: snapshot staging folders (<c>.&lt;id&gt;.staging</c>),
/// deletions already committed to the state (<c>.&lt;id&gt;.deleting</c>) and temporary state
/// files. A VM or checkpoint folder the state does not mention is reported and left in place:
/// nothing is deleted because a state file does not mention it.
/// </summary>
internal static partial class LabStartupCleanup
{
    private const string StagingSuffix = ".staging";
    private const string DeletingSuffix = ".deleting";

    /// <summary>Whether a name under snapshots/ is a staging or deleting folder of ours.</summary>
    public static bool IsUnfinishedSnapshotWork(string name) =>
        name.StartsWith('.') && (name.EndsWith(StagingSuffix, StringComparison.Ordinal) || name.EndsWith(DeletingSuffix, StringComparison.Ordinal));

    public static void Run(LabPaths paths, LabHostState state, ILogger logger)
    {
        var snapshotIds = state.Snapshots.Select(s => s.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (System.IO.Directory.Exists(paths.SnapshotsRoot))
        {
            foreach (string entry in System.IO.Directory.EnumerateFileSystemEntries(paths.SnapshotsRoot))
            {
                CleanSnapshotEntry(paths, entry, snapshotIds, logger);
            }
        }

        var vmIds = state.Vms.Select(v => v.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (System.IO.Directory.Exists(paths.VmsRoot))
        {
            foreach (string entry in System.IO.Directory.EnumerateFileSystemEntries(paths.VmsRoot))
            {
                if (!vmIds.Contains(Path.GetFileName(entry)))
                {
                    LogUnknownLeftInPlace(logger, entry);
                }
            }
        }

        foreach (var snapshot in state.Snapshots)
        {
            if (!System.IO.Directory.Exists(paths.SnapshotDirectory(snapshot.Id)))
            {
                LogSnapshotFolderMissing(logger, snapshot.Id, snapshot.Name, paths.SnapshotDirectory(snapshot.Id));
            }
        }

        foreach (string temp in System.IO.Directory.EnumerateFiles(paths.Root, LabPaths.StateFileName + ".*.tmp"))
        {
            File.Delete(temp);
            LogRemoved(logger, temp);
        }
    }

    private static void CleanSnapshotEntry(LabPaths paths, string entry, HashSet<string> snapshotIds, ILogger logger)
    {
        string name = Path.GetFileName(entry);
        bool isDirectory = System.IO.Directory.Exists(entry);
        if (isDirectory && name.StartsWith('.') && name.EndsWith(StagingSuffix, StringComparison.Ordinal))
        {
            // A snapshot being assembled when the process stopped: never committed, never reported.
            System.IO.Directory.Delete(entry, recursive: true);
            LogRemoved(logger, entry);
        }
        else if (isDirectory && name.StartsWith('.') && name.EndsWith(DeletingSuffix, StringComparison.Ordinal))
        {
            string id = name[1..^DeletingSuffix.Length];
            if (snapshotIds.Contains(id) && !System.IO.Directory.Exists(paths.SnapshotDirectory(id)))
            {
                // The delete stopped before the state forgot the snapshot: it did not happen. Put the folder back.
                System.IO.Directory.Move(entry, paths.SnapshotDirectory(id));
                LogDeleteRolledBack(logger, id, paths.SnapshotDirectory(id));
            }
            else
            {
                System.IO.Directory.Delete(entry, recursive: true);
                LogRemoved(logger, entry);
            }
        }
        else if (!snapshotIds.Contains(name))
        {
            LogUnknownLeftInPlace(logger, entry);
        }
    }

    [LoggerMessage(EventId = 1003, EventName = "LabOrphanRemoved", Level = LogLevel.Warning, Message = "Removed {Path}, left by an interrupted operation")]
    private static partial void LogRemoved(ILogger logger, string path);

    [LoggerMessage(EventId = 1007, EventName = "LabUnknownLeftInPlace", Level = LogLevel.Warning, Message = "{Path} is not in the lab state file: unknown, left in place (nothing is deleted because the state does not mention it)")]
    private static partial void LogUnknownLeftInPlace(ILogger logger, string path);

    [LoggerMessage(EventId = 1008, EventName = "LabDeleteRolledBack", Level = LogLevel.Warning, Message = "The delete of snapshot {SnapshotId} was interrupted before it was recorded; its folder is back at {Path}")]
    private static partial void LogDeleteRolledBack(ILogger logger, string snapshotId, string path);

    [LoggerMessage(EventId = 1009, EventName = "LabSnapshotFolderMissing", Level = LogLevel.Warning, Message = "Snapshot {SnapshotId} '{Name}' is in the lab state file but its folder {Path} is missing")]
    private static partial void LogSnapshotFolderMissing(ILogger logger, string snapshotId, string name, string path);
}
