namespace HvFleet.Security.Paths;

/// <summary>
/// Makes a path absolute and link-free: <c>..</c> segments resolved, then every existing
/// component that is a symbolic link or junction replaced by its final target, so a link inside
/// a root cannot lead outside it.
/// </summary>
public static class PathResolver
{
    // Like the kernel's ELOOP limit: a link cycle must not hang validation.
    private const int MaxLinkDepth = 40;

    /// <summary>The resolved path. Throws <see cref="IOException"/> for link cycles or paths without a root.</summary>
    public static string Resolve(string path) => ResolveLinks(Normalize(path), 0);

    private static string Normalize(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));

    private static string ResolveLinks(string fullPath, int depth)
    {
        if (depth > MaxLinkDepth)
        {
            throw new IOException("too many levels of symbolic links");
        }

        var root = Path.GetPathRoot(fullPath);
        if (string.IsNullOrEmpty(root))
        {
            throw new IOException("the path has no root");
        }

        var segments = fullPath[root.Length..].Split(
            [Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        var current = root;
        for (var i = 0; i < segments.Length; i++)
        {
            var next = Path.Combine(current, segments[i]);
            var info = new FileInfo(next);
            if (info.LinkTarget is { } linkTarget)
            {
                // Relative link targets are relative to the link's own directory.
                var target = Normalize(Path.IsPathFullyQualified(linkTarget) ? linkTarget : Path.Combine(current, linkTarget));
                var rest = segments.Skip(i + 1).ToArray();
                var resolved = ResolveLinks(target, depth + 1);
                return rest.Length == 0 ? resolved : ResolveLinks(Normalize(Path.Combine([resolved, .. rest])), depth + 1);
            }

            if (!info.Exists && !Directory.Exists(next))
            {
                // Nothing beyond a missing component can be a link yet.
                return Normalize(Path.Combine([next, .. segments.Skip(i + 1)]));
            }

            current = next;
        }

        return Normalize(current);
    }
}
