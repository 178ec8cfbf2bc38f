using System.Globalization;
using System.Text;

namespace HvFleet.Agent.Jobs;

/// <summary>
/// What the host's file systems can hold, checked before a job exists so that a path they cannot
/// hold is an INVALID_ARGUMENT naming the field instead of an ENAMETOOLONG half-way through an
/// export. Linux counts bytes of the UTF-8 encoding: a name (one component) up to NAME_MAX = 255
/// bytes, a whole path up to PATH_MAX = 4096 bytes including its terminating NUL. Windows (NTFS,
/// ReFS) counts UTF-16 code units: 255 per name.
/// </summary>
internal static class FileSystemNameLimits
{
    /// <summary>Longest name (one path component): bytes on Linux, UTF-16 code units on Windows.</summary>
    public const int MaxNameLength = 255;

    /// <summary>Longest whole path on Linux in bytes, without the terminating NUL.</summary>
    public const int MaxPathBytes = 4095;

    private static readonly char[] Separators = ['/', '\\'];

    /// <summary>Null when every component and the whole of <paramref name="path"/> fit, else what is too long.</summary>
    public static string? Check(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        var windows = OperatingSystem.IsWindows();
        var unit = windows ? "characters" : "bytes";
        if (!windows && Encoding.UTF8.GetByteCount(path) is var pathBytes && pathBytes > MaxPathBytes)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"is {pathBytes} bytes long; the file system holds paths of at most {MaxPathBytes} bytes");
        }

        foreach (var name in path.Split(Separators, StringSplitOptions.RemoveEmptyEntries))
        {
            var length = windows ? name.Length : Encoding.UTF8.GetByteCount(name);
            if (length > MaxNameLength)
            {
                var shown = name.Length > 40 ? name[..40] + "..." : name;
                return string.Create(CultureInfo.InvariantCulture,
                    $"has a name of {length} {unit} ('{shown}'); the file system holds names of at most {MaxNameLength} {unit}");
            }
        }

        return null;
    }
}
