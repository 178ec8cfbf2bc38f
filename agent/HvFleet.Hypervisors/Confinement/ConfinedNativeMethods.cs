using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace HvFleet.Hypervisors.Confinement;

/// <summary>
/// The *at system calls <see cref="ConfinedDirectory"/> needs: .NET has no API that opens or
/// creates a name relative to a directory handle without following links, so these are written
/// here (libc on Linux; CreateFileW on Windows, to hold a directory without following reparse points).
/// </summary>
internal static partial class ConfinedNativeMethods
{
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EEXIST = 17;
    public const int ENOTDIR = 20;
    public const int ELOOP = 40;

    private const int AtFdCwd = -100;
    private const int AtRemoveDir = 0x200;
    private const int ORdWr = 2;
    private const int OCreat = 0x40;
    private const int OExcl = 0x80;
    private const int OCloExec = 0x80000;

    // O_DIRECTORY and O_NOFOLLOW differ between x86 and Arm (asm-generic vs arch headers).
    private static readonly bool IsArm = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm;
    private static readonly int ODirectory = IsArm ? 0x4000 : 0x10000;
    private static readonly int ONoFollow = IsArm ? 0x8000 : 0x20000;

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenAtNative(int dirfd, string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MkdirAtNative(int dirfd, string path, uint mode);

    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UnlinkAtNative(int dirfd, string path, int flags);

    [LibraryImport("libc", EntryPoint = "renameat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAtNative(int olddirfd, string oldpath, int newdirfd, string newpath);

    /// <summary>Opens a directory by path, following links (the export root itself is configuration); -errno on failure.</summary>
    public static int OpenDirectory(string path) => Retry(() => OpenAtNative(AtFdCwd, path, ODirectory | OCloExec, 0));

    /// <summary>Opens the directory <paramref name="name"/> under <paramref name="dir"/>, never through a link; -errno on failure.</summary>
    public static int OpenDirectoryAt(SafeFileHandle dir, string name) =>
        With(dir, fd => Retry(() => OpenAtNative(fd, name, ODirectory | ONoFollow | OCloExec, 0)));

    /// <summary>Creates a new file (never an existing one, never through a link), read-write; -errno on failure.</summary>
    public static int CreateFileAt(SafeFileHandle dir, string name) =>
        With(dir, fd => Retry(() => OpenAtNative(fd, name, ORdWr | OCreat | OExcl | ONoFollow | OCloExec, 0b110_100_100)));

    /// <summary>Opens an existing file read-only, never through a link; -errno on failure.</summary>
    public static int OpenFileAt(SafeFileHandle dir, string name) =>
        With(dir, fd => Retry(() => OpenAtNative(fd, name, ONoFollow | OCloExec, 0)));

    /// <summary>Creates a directory (0755 before umask); 0 or -errno.</summary>
    public static int MkdirAt(SafeFileHandle dir, string name) => With(dir, fd => Retry(() => MkdirAtNative(fd, name, 0b111_101_101)));

    /// <summary>Removes a name: a file or link (never its target), or an empty directory; 0 or -errno.</summary>
    public static int UnlinkAt(SafeFileHandle dir, string name, bool directory) =>
        With(dir, fd => Retry(() => UnlinkAtNative(fd, name, directory ? AtRemoveDir : 0)));

    /// <summary>Renames a name from one held directory to another; 0 or -errno.</summary>
    public static int RenameAt(SafeFileHandle fromDir, string from, SafeFileHandle toDir, string to) =>
        With(fromDir, a => With(toDir, b => Retry(() => RenameAtNative(a, from, b, to))));

    private static int Retry(Func<int> call)
    {
        while (true)
        {
            int result = call();
            if (result >= 0)
            {
                return result;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR)
            {
                return -errno;
            }
        }
    }

    private static int With(SafeFileHandle handle, Func<int, int> action)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return action((int)handle.DangerousGetHandle());
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    // Windows: a directory handle that does not follow reparse points and, without FILE_SHARE_DELETE,
    // keeps the directory from being renamed, deleted or replaced while it is held.
    private const uint FileReadAttributes = 0x80;
    private const uint FileShareReadWrite = 0x1 | 0x2;
    private const uint OpenExisting = 3;
    private const uint FileFlagBackupSemantics = 0x02000000;
    private const uint FileFlagOpenReparsePoint = 0x00200000;

    [LibraryImport("kernel32", EntryPoint = "CreateFileW", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    private static partial SafeFileHandle CreateFileWNative(string name, uint access, uint share, nint security, uint disposition, uint flags, nint template);

    /// <summary>Windows: opens a directory (or a reparse point itself) by path and holds it.</summary>
    public static SafeFileHandle OpenDirectoryWindows(string path) =>
        CreateFileWNative(path, FileReadAttributes, FileShareReadWrite, 0, OpenExisting, FileFlagBackupSemantics | FileFlagOpenReparsePoint, 0);
}
