using System.Globalization;

namespace HvFleet.Chaos.Tests.Invariants;

/// <summary>A folder's entries (relative path → kind, size, last write), to tell whether anything was written there.</summary>
internal static class TreeListing
{
    /// <summary>Every entry under <paramref name="folder"/> (links listed, not followed), or only its direct entries.</summary>
    public static IReadOnlyDictionary<string, string> Take(string folder, bool recursive)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var options = new EnumerationOptions { RecurseSubdirectories = recursive, AttributesToSkip = 0, IgnoreInaccessible = false };
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos("*", options))
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
