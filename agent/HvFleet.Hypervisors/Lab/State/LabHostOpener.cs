using Microsoft.Extensions.Logging;

namespace HvFleet.Hypervisors.Lab.State;

/// <summary>
/// Decides at start what the lab directory holds: a host to load, a truly fresh directory to seed,
/// or lab data whose state file is missing or damaged, in which case the lab refuses to start
/// (<see cref="HypervisorStartException"/>) and touches nothing: a host must never lose a disk or
/// a checkpoint because a state file does not mention it.
/// </summary>
internal static partial class LabHostOpener
{
    /// <summary>The loaded state, or null when the directory is fresh and a sample host may be seeded.</summary>
    public static LabHostState? Open(LabPaths paths, ILogger logger)
    {
        System.IO.Directory.CreateDirectory(paths.Root);
        FinishOrDiscardSeed(paths, logger);

        LabHostState? state;
        try
        {
            state = LabStateStore.TryLoad(paths.StateFile);
        }
        catch (InvalidDataException ex)
        {
            throw new HypervisorStartException(
                $"Lab state file '{paths.StateFile}' is damaged: {ex.Message}. Refusing to start; nothing was changed or deleted. {HowToRecover(paths)}", ex);
        }

        if (state is not null)
        {
            return state;
        }

        var data = LabData(paths);
        if (data.Count > 0 || File.Exists(paths.PreviousStateFile))
        {
            string found = data.Count > 0 ? string.Join(", ", data.Take(3)) + (data.Count > 3 ? $" and {data.Count - 3} more" : "") : "a previous state file";
            throw new HypervisorStartException(
                $"Lab state file '{paths.StateFile}' is missing but the lab directory holds lab data ({found}). Refusing to start (seeding a new host here would forget that data); nothing was changed or deleted. {HowToRecover(paths)}");
        }

        var foreign = System.IO.Directory.EnumerateFileSystemEntries(paths.Root)
            .Select(Path.GetFileName)
            .Where(n => n is not ("vms" or "snapshots") && !(n ?? "").StartsWith(LabPaths.StateFileName + ".", StringComparison.Ordinal))
            .ToArray();
        if (foreign.Length > 0)
        {
            throw new HypervisorStartException(
                $"Lab directory '{paths.Root}' is not empty and holds no {LabPaths.StateFileName} (found '{foreign[0]}'); refusing to seed a sample host over it. Point the lab at an empty directory.");
        }

        return null;
    }

    /// <summary>VM and checkpoint folders (and anything else) under vms/ and snapshots/ that are not unfinished work of ours.</summary>
    private static List<string> LabData(LabPaths paths)
    {
        var found = new List<string>();
        foreach (string root in new[] { paths.VmsRoot, paths.SnapshotsRoot })
        {
            if (System.IO.Directory.Exists(root))
            {
                found.AddRange(System.IO.Directory.EnumerateFileSystemEntries(root)
                    .Where(e => !LabStartupCleanup.IsUnfinishedSnapshotWork(Path.GetFileName(e)))
                    .Select(e => Path.GetRelativePath(paths.Root, e)));
            }
        }

        return found;
    }

    private static string HowToRecover(LabPaths paths)
    {
        if (!File.Exists(paths.PreviousStateFile))
        {
            return $"No previous version ('{paths.PreviousStateFile}') exists: restore '{paths.StateFile}' from a backup, or move the lab directory's contents elsewhere to start a new sample host.";
        }

        string previous;
        try
        {
            var prev = LabStateStore.TryLoad(paths.PreviousStateFile)!;
            previous = $"The previous version '{paths.PreviousStateFile}' exists and is readable ({prev.Vms.Count} VMs, {prev.Snapshots.Count} snapshots; it may miss the last change)";
        }
        catch (InvalidDataException ex)
        {
            previous = $"The previous version '{paths.PreviousStateFile}' exists but is damaged too ({ex.Message})";
        }

        return $"{previous}: to recover, stop the agent and copy it to '{paths.StateFile}', or restore '{paths.StateFile}' from a backup.";
    }

    /// <summary>
    /// A seed is assembled in <see cref="LabPaths.SeedStagingDirectory"/> and committed by moving
    /// vms/ and then the state file into place. A crash between the two moves left a complete
    /// state file in the staging folder: finish the move. Anything else there is unfinished: remove it.
    /// </summary>
    private static void FinishOrDiscardSeed(LabPaths paths, ILogger logger)
    {
        string staging = paths.SeedStagingDirectory;
        if (!System.IO.Directory.Exists(staging))
        {
            return;
        }

        var staged = new LabPaths(staging);
        if (!File.Exists(paths.StateFile) && File.Exists(staged.StateFile) && !System.IO.Directory.Exists(staged.VmsRoot) && System.IO.Directory.Exists(paths.VmsRoot))
        {
            File.Move(staged.StateFile, paths.StateFile);
            LabDirectorySync.Flush(paths.Root);
            LogSeedCompleted(logger, paths.StateFile);
        }

        System.IO.Directory.Delete(staging, recursive: true);
        LogSeedStagingRemoved(logger, staging);
    }

    [LoggerMessage(EventId = 1005, EventName = "LabSeedCompleted", Level = LogLevel.Warning, Message = "Completed an interrupted seed of the lab host: moved its state file into place as {StateFile}")]
    private static partial void LogSeedCompleted(ILogger logger, string stateFile);

    [LoggerMessage(EventId = 1006, EventName = "LabSeedStagingRemoved", Level = LogLevel.Warning, Message = "Removed {Path}, left by an interrupted seed of the lab host")]
    private static partial void LogSeedStagingRemoved(ILogger logger, string path);
}
