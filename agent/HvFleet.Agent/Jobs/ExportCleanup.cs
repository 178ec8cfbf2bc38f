using HvFleet.Hypervisors.Confinement;

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
    /// (the interrupted job created the target), the target itself. The target's folder is reached
    /// from the filesystem root one component at a time without following links (the job's path
    /// was link-free when it was confined), so a folder since swapped for a link is refused with a
    /// <see cref="ConfinementException"/> and nothing outside the export root is deleted; links
    /// inside are unlinked, never followed. Returns the paths removed.
    /// </summary>
    public static IReadOnlyList<string> RemovePartialExport(string exportDirectory, bool removeTarget)
    {
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(exportDirectory));
        var parentPath = Path.GetDirectoryName(target);
        var name = Path.GetFileName(target);
        var removed = new List<string>();
        if (string.IsNullOrEmpty(parentPath) || string.IsNullOrEmpty(name))
        {
            return removed;
        }

        ConfinedDirectory parent;
        try
        {
            parent = ConfinedDirectory.Open(Path.GetPathRoot(target)!, parentPath, create: false);
        }
        catch (DirectoryNotFoundException)
        {
            return removed;
        }

        using (parent)
        {
            var prefix = TempPrefix(name);
            foreach (var entry in parent.EntryNames())
            {
                if (entry.StartsWith(prefix, StringComparison.Ordinal) && parent.Delete(entry))
                {
                    removed.Add(parent.PathOf(entry));
                }
            }

            if (removeTarget && parent.Delete(name))
            {
                removed.Add(target);
            }
        }

        return removed;
    }
}
