using System.Globalization;

namespace HvFleet.Chaos.Tests.Invariants;

/// <summary>A folder's entries (relative path → kind, size, last write), to tell whether anything was written there.</summary>
internal static class TreeListing
{
    /// <summary>Every entry under <paramref name="folder"/> (links listed, never followed), or only its direct entries.</summary>
    public static IReadOnlyDictionary<string, string> Take(string folder, bool recursive)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in Walk(new DirectoryInfo(folder), recursive))
        {
            string relative = Path.GetRelativePath(folder, entry.FullName);
            entries[relative] = entry switch
            {
                _ when entry.LinkTarget is { } target => "link -> " + target,
                FileInfo file => string.Create(CultureInfo.InvariantCulture, $"file {file.Length} bytes, written {file.LastWriteTimeUtc:O}"),
                _ => recursive ? "folder" : "entry",
            };
        }

        return entries;
    }

    /// <summary>The entries of <paramref name="folder"/> and, when <paramref name="recursive"/>, of its subfolders; a link
    /// to a folder is an entry, not descended into (the enumeration's own recursion would follow it).</summary>
    public static IEnumerable<FileSystemInfo> Walk(DirectoryInfo folder, bool recursive)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0, IgnoreInaccessible = false };
        foreach (var entry in folder.EnumerateFileSystemInfos("*", options))
        {
            yield return entry;
            if (recursive && entry is DirectoryInfo directory && entry.LinkTarget is null)
            {
                foreach (var inner in Walk(directory, recursive))
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>What changed from <paramref name="before"/> to <paramref name="after"/>, one line per path.</summary>
    public static IEnumerable<(string Path, string Change)> Changes(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after)
    {
        foreach (var (path, state) in after)
        {
            if (!before.TryGetValue(path, out var old))
            {
                yield return (path, "created (" + state + ")");
            }
            else if (old != state)
            {
                yield return (path, $"changed ({old} -> {state})");
            }
        }

        foreach (var path in before.Keys.Where(p => !after.ContainsKey(p)))
        {
            yield return (path, "removed");
        }
    }
}
