using HvFleet.Hypervisors.Confinement;

namespace HvFleet.Hypervisors.HyperV.Export;

/// <summary>
/// Where an export goes on the local host. The agent creates a staging folder beside the target,
/// reached from the export root without following links (<see cref="ConfinedExport"/>), holds it
/// while Hyper-V writes into it, and puts it in place of the target only when the export succeeded
/// (overwrite); it is removed on failure or cancel, so a failed export leaves nothing behind and a
/// refused one touches nothing. For a remote host nothing can be checked or moved from here, and
/// Hyper-V writes to the target directly.
/// </summary>
internal sealed class ExportTarget
{
    private readonly ConfinedExport? _export;

    private ExportTarget(string workingDirectory, ConfinedExport? export)
    {
        WorkingDirectory = workingDirectory;
        _export = export;
    }

    /// <summary>The directory Hyper-V is asked to export into: for a local host, a real folder the agent created and holds.</summary>
    public string WorkingDirectory { get; }

    /// <param name="directory">The export directory, absolute.</param>
    /// <param name="overwrite">Whether an existing, non-empty target may be replaced.</param>
    /// <param name="local">Whether Hyper-V runs on this machine (else nothing is checked here).</param>
    /// <param name="root">The export root the agent confined the directory to; null uses its filesystem root.</param>
    public static ExportTarget Prepare(string directory, bool overwrite, bool local, string? root = null)
    {
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        if (!local)
        {
            return new ExportTarget(target, null);
        }

        // The agent removes ".<name>.hvfleet-tmp-*" left by a crash (ExportCleanup), as for the lab.
        var export = ConfinedExport.Prepare(root, target, overwrite, HyperVCodeFamily.Agent);
        return new ExportTarget(export.StagingPath, export);
    }

    /// <summary>The staging folder to record for re-attach; null when Hyper-V writes to the target directly.</summary>
    public string? Staging => _export is null ? null : WorkingDirectory;

    /// <summary>An export whose staging folder was recorded before an agent restart.</summary>
    public static ExportTarget Resume(string? staging, string directory)
    {
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        if (staging is null)
        {
            return new ExportTarget(target, null);
        }

        try
        {
            return new ExportTarget(staging, ConfinedExport.Resume(null, target, staging, HyperVCodeFamily.Agent));
        }
        catch (DirectoryNotFoundException)
        {
            // The target's folder is gone: there is nothing of this export left to finish or remove.
            return new ExportTarget(staging, null);
        }
    }

    /// <summary>Puts the export in place; returns its size in bytes and its number of files (0 when remote).</summary>
    public (long Bytes, int Files) Commit()
    {
        if (_export is null)
        {
            return (0, 0);
        }

        try
        {
            var size = _export.Measure();
            _export.Commit();
            return size;
        }
        finally
        {
            _export.Dispose();
        }
    }

    /// <summary>Removes the staging folder (never following a link inside it) and the parents the export created.</summary>
    public void Rollback() => _export?.Dispose();
}
