namespace HvFleet.Security.Paths;

/// <summary>
/// Decides whether an export directory may be used. The text is checked first, the same way on
/// every OS (Windows forms are refused on Linux too): absolute only; no <c>..</c> segments; no
/// device names (CON, NUL, COM1...), device or namespace prefixes (<c>\\.\</c>, <c>\\?\</c>,
/// <c>\??\</c>), alternate data streams (<c>name:stream</c>), wildcard characters, segments
/// ending in a dot or space (Windows drops those, so they alias other names), or UNC paths
/// unless a root is UNC. Then the path is resolved with <see cref="PathResolver"/> (every link
/// among its existing components replaced by its target) and must lie strictly inside a root.
/// </summary>
public static class ExportPathPolicy
{
    /// <summary>Longest accepted export directory, in characters.</summary>
    public const int MaxPathLength = 4096;

    private static readonly char[] Separators = ['/', '\\'];

    private static readonly HashSet<string> DeviceNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$",
        "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM\u00B9", "COM\u00B2", "COM\u00B3",
        "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT\u00B9", "LPT\u00B2", "LPT\u00B3",
    };

    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>Checks <paramref name="path"/> against <paramref name="roots"/>.</summary>
    public static ExportPathDecision Evaluate(string? path, IReadOnlyList<string> roots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        if (string.IsNullOrEmpty(path))
        {
            return ExportPathDecision.Invalid("is required");
        }

        if (path.Length > MaxPathLength)
        {
            return ExportPathDecision.Invalid($"is longer than {MaxPathLength} characters");
        }

        if (path.Any(char.IsControl))
        {
            return ExportPathDecision.Invalid("contains control characters");
        }

        if (roots.Count == 0)
        {
            return ExportPathDecision.Denied("cannot be used: no export roots are configured on this agent");
        }

        if (CheckText(path, roots) is { } hostile)
        {
            return ExportPathDecision.Denied($"{hostile}; export directories must be inside one of the agent's export roots ({string.Join(", ", roots)})");
        }

        string resolved;
        try
        {
            resolved = PathResolver.Resolve(path);
        }
        catch (IOException ex)
        {
            return ExportPathDecision.Invalid($"cannot be resolved: {ex.Message}");
        }
        catch (UnauthorizedAccessException)
        {
            return ExportPathDecision.Invalid("cannot be resolved: access to one of its components is denied");
        }

        foreach (var root in roots)
        {
            string resolvedRoot;
            try
            {
                resolvedRoot = PathResolver.Resolve(root);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                continue;
            }

            if (IsStrictlyInside(resolved, resolvedRoot))
            {
                // Only a path inside a root is worth telling apart from a file: outside, it is simply refused.
                return File.Exists(resolved)
                    ? ExportPathDecision.Invalid("names an existing file, not a directory")
                    : ExportPathDecision.Allowed(resolved, resolvedRoot);
            }

            if (string.Equals(resolved, resolvedRoot, PathComparison))
            {
                return ExportPathDecision.Denied($"must be a directory inside the export root '{root}', not the root itself");
            }
        }

        return ExportPathDecision.Denied($"must be inside one of the agent's export roots ({string.Join(", ", roots)}); '{path}' resolves to '{resolved}'");
    }

    /// <summary>The text-only checks; a reason when the path is hostile, else null.</summary>
    internal static string? CheckText(string path, IReadOnlyList<string> roots)
    {
        if (path.StartsWith(@"\\.\", StringComparison.Ordinal) || path.StartsWith(@"\\?\", StringComparison.Ordinal) ||
            path.StartsWith("//./", StringComparison.Ordinal) || path.StartsWith("//?/", StringComparison.Ordinal) ||
            path.StartsWith(@"\??\", StringComparison.Ordinal) || path.StartsWith(@"/??/", StringComparison.Ordinal))
        {
            return $"'{path}' is a Windows device or namespace path";
        }

        var isUnc = IsUnc(path);
        if (isUnc && !roots.Any(IsUnc))
        {
            return $"'{path}' is a UNC path and no export root is one";
        }

        if (!isUnc && !Path.IsPathFullyQualified(path))
        {
            return $"must be an absolute path, got '{path}'";
        }

        if (path.IndexOfAny(['*', '?', '"', '<', '>', '|']) >= 0)
        {
            return $"'{path}' contains wildcard or reserved characters";
        }

        // A drive letter's colon is the only one allowed; any other names an alternate data stream.
        var colon = path.IndexOf(':', StartsWithDriveLetter(path) ? 2 : 0);
        if (colon >= 0)
        {
            return $"'{path}' names an alternate data stream (':' after the drive)";
        }

        var segments = path.Split(Separators, StringSplitOptions.RemoveEmptyEntries);
        foreach (var segment in segments.Skip(StartsWithDriveLetter(path) ? 1 : 0))
        {
            if (segment == "..")
            {
                return $"'{path}' contains a '..' segment";
            }

            if (segment != "." && (segment.EndsWith('.') || segment.EndsWith(' ')))
            {
                return $"'{path}' has a segment ending in a dot or space ('{segment}'), which Windows would silently rename";
            }

            var stem = segment.Split('.')[0].TrimEnd(' ');
            if (DeviceNames.Contains(stem))
            {
                return $"'{path}' names the Windows device '{stem}'";
            }
        }

        return null;
    }

    private static bool IsUnc(string path) =>
        path.Length > 2 && (path.StartsWith(@"\\", StringComparison.Ordinal) || path.StartsWith("//", StringComparison.Ordinal) ||
                            path.StartsWith(@"\/", StringComparison.Ordinal) || path.StartsWith(@"/\", StringComparison.Ordinal));

    private static bool StartsWithDriveLetter(string path) => path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':';

    private static bool IsStrictlyInside(string path, string root)
    {
        var prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        return path.Length > prefix.Length && path.StartsWith(prefix, PathComparison);
    }
}
