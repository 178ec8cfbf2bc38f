using System.Diagnostics;
using System.Globalization;

namespace HvFleet.Testing;

/// <summary>
/// A small tmpfs mounted on a fresh temporary directory (tests run as root, as CI does), to make a volume fill up
/// deterministically: <see cref="Fill"/> takes every free byte with a filler file, <see cref="Free"/> gives them back.
/// Unmounted on dispose.
/// </summary>
public sealed class SmallTmpfs : IDisposable
{
    private SmallTmpfs(string path) => Path = path;

    /// <summary>The mount point.</summary>
    public string Path { get; }

    private string FillerPath => System.IO.Path.Combine(Path, "filler");

    /// <summary>Mounts a tmpfs of <paramref name="sizeBytes"/> bytes; throws when mounting fails (not root).</summary>
    public static SmallTmpfs Mount(long sizeBytes)
    {
        var path = Directory.CreateTempSubdirectory("hvfleet-tmpfs-").FullName;
        Run("mount", "-t", "tmpfs", "-o", "size=" + sizeBytes.ToString(CultureInfo.InvariantCulture), "tmpfs", path);
        return new SmallTmpfs(path);
    }

    /// <summary>Writes a filler file until the volume reports no space left.</summary>
    public void Fill()
    {
        var chunk = new byte[64 * 1024];
        using var filler = new FileStream(FillerPath, FileMode.Append, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
        var size = chunk.Length;
        while (size > 0)
        {
            try
            {
                filler.Write(chunk, 0, size);
                filler.Flush();
            }
            catch (IOException)
            {
                // No room for this size: try smaller pieces down to one byte.
                size /= 2;
                filler.SetLength(filler.Position);
            }
        }
    }

    /// <summary>Deletes the filler: the space comes back.</summary>
    public void Free() => File.Delete(FillerPath);

    public void Dispose()
    {
        try
        {
            Run("umount", "-l", Path);
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            // Best effort: a lazily unmounted tmpfs goes away with its last user.
        }
    }

    private static void Run(string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Trim()}");
        }
    }
}
