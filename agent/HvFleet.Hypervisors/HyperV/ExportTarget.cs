namespace HvFleet.Hypervisors.HyperV;

/// <summary>
/// Where an export goes on the local host. Hyper-V writes into a staging folder beside the target,
/// which replaces the target only when the export succeeded (overwrite) and is removed on failure or
/// cancel, so a failed export leaves nothing behind and a refused one touches nothing. For a remote
/// host nothing can be checked or moved from here, and Hyper-V writes to the target directly.
/// </summary>
internal sealed class ExportTarget
{
    private readonly string _target;
    private readonly bool _staged;

    private ExportTarget(string target, string workingDirectory, bool staged)
    {
        _target = target;
        WorkingDirectory = workingDirectory;
        _staged = staged;
    }

    /// <summary>The directory Hyper-V is asked to export into.</summary>
    public string WorkingDirectory { get; }

    public static ExportTarget Prepare(string directory, bool overwrite, bool local)
    {
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        if (!local)
        {
            return new ExportTarget(target, target, staged: false);
        }

        if (File.Exists(target))
        {
            throw new HypervisorException(HypervisorErrorKind.AlreadyExists, HyperVCodes.MsvmInvalidParameter, HyperVCodeFamily.Agent, $"Export target '{target}' is a file.");
        }

        if (!overwrite && Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            throw new HypervisorException(
                HypervisorErrorKind.AlreadyExists,
                HyperVCodes.MsvmInvalidParameter,
                HyperVCodeFamily.Agent,
                $"Export directory '{target}' is not empty; allow overwrite to replace it.");
        }

        var parent = Path.GetDirectoryName(target)
            ?? throw HypervisorException.InvalidParameter($"Export directory '{target}' has no parent directory.", HyperVCodeFamily.Msvm);
        // The agent removes ".<name>.hvfleet-tmp-*" left by a crash (ExportCleanup), as for the lab.
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.hvfleet-tmp-{Guid.NewGuid():N}");
        return new ExportTarget(target, staging, staged: true);
    }

    /// <summary>The staging folder to record for re-attach; null when Hyper-V writes to the target directly.</summary>
    public string? Staging => _staged ? WorkingDirectory : null;

    /// <summary>An export whose staging folder was recorded before an agent restart.</summary>
    public static ExportTarget Resume(string? staging, string directory)
    {
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        return staging is null ? new ExportTarget(target, target, staged: false) : new ExportTarget(target, staging, staged: true);
    }

    /// <summary>Puts the export in place; returns its size in bytes and its number of files (0 when remote).</summary>
    public (long Bytes, int Files) Commit()
    {
        if (!_staged)
        {
            return (0, 0);
        }

        // Hyper-V creates the export directory itself; an export of nothing still yields the target.
        Directory.CreateDirectory(WorkingDirectory);
        var files = Directory.EnumerateFiles(WorkingDirectory, "*", SearchOption.AllDirectories).Select(f => new FileInfo(f).Length).ToList();

        // Overwrite: the previous content goes aside first and comes back if the new export cannot take its place.
        string? previous = null;
        if (Directory.Exists(_target))
        {
            previous = WorkingDirectory + ".previous";
            Directory.Move(_target, previous);
        }

        try
        {
            Directory.Move(WorkingDirectory, _target);
        }
        catch
        {
            if (previous is not null)
            {
                Directory.Move(previous, _target);
            }

            throw;
        }

        if (previous is not null)
        {
            Directory.Delete(previous, recursive: true);
        }

        return (files.Sum(), files.Count);
    }

    public void Rollback()
    {
        if (!_staged || !Directory.Exists(WorkingDirectory))
        {
            return;
        }

        try
        {
            Directory.Delete(WorkingDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the export failed already; a locked leftover must not hide that error.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
