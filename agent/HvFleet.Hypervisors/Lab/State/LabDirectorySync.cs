using System.Runtime.InteropServices;

namespace HvFleet.Hypervisors.Lab.State;

/// <summary>
/// Flushes a directory's entries to disk (fsync on the directory), so that a rename that commits
/// a file survives a power loss, not only a process crash. .NET opens no handle on a directory
/// on Unix, hence the system calls; on Windows a completed MoveFileEx is already durable enough
/// for the lab, and this does nothing.
/// </summary>
internal static partial class LabDirectorySync
{
    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    /// <summary>fsync(2) on <paramref name="directory"/>; throws <see cref="IOException"/> when the flush fails.</summary>
    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // O_RDONLY (0) is enough to fsync a directory.
        int fd = Open(directory, 0);
        if (fd < 0)
        {
            throw new IOException($"Could not open directory '{directory}' to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"Could not flush directory '{directory}' to disk (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }
}
