namespace HvFleet.Hypervisors.HyperV;

/// <summary>
/// The export directory on the local host: refuses a non-empty one unless overwriting, and on
/// failure removes what the export added (Hyper-V may leave a partial export behind).
/// On a remote host nothing can be checked or cleaned from here.
/// </summary>
internal sealed class ExportTarget
{
    private readonly string _directory;
    private readonly bool _local;
    private readonly bool _existed;
    private readonly HashSet<string> _entriesBefore;

    private ExportTarget(string directory, bool local, bool existed, HashSet<string> entriesBefore)
    {
        _directory = directory;
        _local = local;
        _existed = existed;
        _entriesBefore = entriesBefore;
    }

    public static ExportTarget Prepare(string directory, bool overwrite, bool local)
    {
        if (!local)
        {
            return new ExportTarget(directory, local: false, existed: true, []);
        }

        var existed = Directory.Exists(directory);
        var entries = existed ? Directory.EnumerateFileSystemEntries(directory).ToHashSet(StringComparer.Ordinal) : [];
        if (entries.Count > 0 && !overwrite)
        {
            throw new HypervisorException(
                HypervisorErrorKind.AlreadyExists,
                HyperVCodes.MsvmInvalidParameter,
                HyperVCodeFamily.Agent,
                $"Export directory '{directory}' is not empty; allow overwrite to export into it.");
        }

        return new ExportTarget(directory, local: true, existed, entries);
    }

    public void Commit()
    {
    }

    public void Rollback()
    {
        if (!_local || !Directory.Exists(_directory))
        {
            return;
        }

        try
        {
            if (!_existed)
            {
                Directory.Delete(_directory, recursive: true);
                return;
            }

            foreach (var entry in Directory.EnumerateFileSystemEntries(_directory).Where(e => !_entriesBefore.Contains(e)).ToList())
            {
                if (Directory.Exists(entry))
                {
                    Directory.Delete(entry, recursive: true);
                }
                else
                {
                    File.Delete(entry);
                }
            }
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
