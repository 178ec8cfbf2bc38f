namespace HvFleet.Agent.Jobs;

/// <summary>
/// Removes what an interrupted export left behind. Backends write into a temporary folder beside
/// the target, named <c>.&lt;target name&gt;.hvfleet-tmp-&lt;suffix&gt;</c>, and rename it at the
/// end; Hyper-V itself writes into the target directly.
/// </summary>
internal static class ExportCleanup
{
    /// <summary>The marker between the target's name and a temporary folder's suffix.</summary>
    public const string TempMarker = ".hvfleet-tmp-";

    /// <summary>The name prefix of temporary folders for a target named <paramref name="targetName"/>.</summary>
    public static string TempPrefix(string targetName) => "." + targetName + TempMarker;

    /// <summary>
    /// Deletes the target's temporary folders and, when <paramref name="removeTarget"/> is set
    /// (the interrupted job created the target), the target itself. Links are unlinked, never
    /// followed. Returns the paths removed.
    /// </summary>
    public static IReadOnlyList<string> RemovePartialExport(string exportDirectory, bool removeTarget)
    {
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(exportDirectory));
        var parent = Path.GetDirectoryName(target);
        var name = Path.GetFileName(target);
        var removed = new List<string>();
        if (string.IsNullOrEmpty(parent) || string.IsNullOrEmpty(name) || !Directory.Exists(parent))
        {
            return removed;
        }

        var prefix = TempPrefix(name);
        foreach (var candidate in Directory.EnumerateFileSystemEntries(parent))
        {
            if (Path.GetFileName(candidate).StartsWith(prefix, StringComparison.Ordinal) && Remove(candidate))
            {
                removed.Add(candidate);
            }
        }

        if (removeTarget && Remove(target))
        {
            removed.Add(target);
        }

        return removed;
    }

    private static bool Remove(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            // Unlink only: a link in an export area must never lead the cleanup elsewhere.
            if (OperatingSystem.IsWindows() && Directory.Exists(path))
            {
                Directory.Delete(path, recursive: false);
            }
            else
            {
                File.Delete(path);
            }

            return true;
        }

        if (info.Exists)
        {
            info.Delete();
            return true;
        }

        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
            return true;
        }

        return false;
    }
}
