namespace HvFleet.Agent.Jobs;

/// <summary>
/// Confines export directories to the configured export roots. The path is made absolute and
/// its <c>..</c> segments resolved (<see cref="Path.GetFullPath(string)"/>), then every existing
/// component is checked for a link and replaced by the link's final target, so a symlink inside
/// a root cannot lead an export outside it. The confined (link-free) path is what the job uses.
/// </summary>
internal static class ExportPathConfinement
{
    /// <summary>Longest accepted export directory, in characters.</summary>
    public const int MaxPathLength = 4096;

    // Like the kernel's ELOOP limit: a link cycle must not hang validation.
    private const int MaxLinkDepth = 40;

    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>
    /// Returns the confined path, or null with <paramref name="error"/> saying why the path is refused.
    /// </summary>
    public static string? Confine(string? path, IReadOnlyList<string> exportRoots, out string? error)
    {
        error = Check(path, exportRoots);
        if (error is not null)
        {
            return null;
        }

        string resolved;
        try
        {
            resolved = ResolveLinks(Normalize(path!), 0);
        }
        catch (IOException ex)
        {
            error = $"cannot be resolved: {ex.Message}";
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            error = "cannot be resolved: access to one of its components is denied";
            return null;
        }

        if (File.Exists(resolved))
        {
            error = "names an existing file, not a directory";
            return null;
        }

        foreach (var root in exportRoots)
        {
            string resolvedRoot;
            try
            {
                resolvedRoot = ResolveLinks(Normalize(root), 0);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (IsStrictlyInside(resolved, resolvedRoot))
            {
                return resolved;
            }

            if (string.Equals(resolved, resolvedRoot, PathComparison))
            {
                error = $"must be a directory inside the export root '{root}', not the root itself";
                return null;
            }
        }

        error = $"must be inside one of the agent's export roots ({string.Join(", ", exportRoots)}); '{path}' resolves to '{resolved}'";
        return null;
    }

    private static string? Check(string? path, IReadOnlyList<string> exportRoots)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "is required";
        }

        if (path.Length > MaxPathLength)
        {
            return $"is longer than {MaxPathLength} characters";
        }

        if (path.Any(char.IsControl))
        {
            return "contains control characters";
        }

        if (!Path.IsPathFullyQualified(path))
        {
            return $"must be an absolute path, got '{path}'";
        }

        return exportRoots.Count == 0 ? "cannot be used: no export roots are configured on this agent" : null;
    }

    private static string Normalize(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));

    private static bool IsStrictlyInside(string path, string root)
    {
        var prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        return path.Length > prefix.Length && path.StartsWith(prefix, PathComparison);
    }

    /// <summary>Replaces every link among the path's existing components by its final target.</summary>
    private static string ResolveLinks(string fullPath, int depth)
    {
        if (depth > MaxLinkDepth)
        {
            throw new IOException("too many levels of symbolic links");
        }

        var root = Path.GetPathRoot(fullPath) ?? throw new IOException("the path has no root");
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
