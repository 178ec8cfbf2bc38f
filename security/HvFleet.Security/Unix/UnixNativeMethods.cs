using System.Runtime.InteropServices;

namespace HvFleet.Security.Unix;

/// <summary>
/// The Linux calls .NET does not expose: the effective uid, and statx for a file's type and owner (a socket must be
/// told from a regular file before it is removed as stale; a directory's owner decides who could replace a socket in it).
/// statx's buffer has the same layout on every architecture, unlike struct stat.
/// </summary>
internal static partial class UnixNativeMethods
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const uint StatxMode = 0x2;
    private const uint StatxUid = 0x8;

    /// <summary>File type bits of st_mode.</summary>
    public const int TypeMask = 0xF000;

    public const int TypeSocket = 0xC000;

    public const int TypeDirectory = 0x4000;

    public const int TypeSymlink = 0xA000;

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUid();

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatxNative(int directoryFd, string path, int flags, uint mask, out StatxBuffer buffer);

    /// <summary>Type, permission bits and owner of <paramref name="path"/> (a symbolic link itself, not its target);
    /// null when it does not exist.</summary>
    public static (int Type, int Permissions, uint Owner)? Stat(string path)
    {
        if (StatxNative(AtFdCwd, path, AtSymlinkNoFollow, StatxType | StatxMode | StatxUid, out var buffer) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();

            // ENOENT, ENOTDIR: nothing there.
            if (errno is 2 or 20)
            {
                return null;
            }

            throw new IOException($"Cannot inspect '{path}': {Marshal.GetPInvokeErrorMessage(errno)}.");
        }

        return (buffer.Mode & TypeMask, buffer.Mode & 0xFFF, buffer.Uid);
    }

    /// <summary>The head of struct statx (linux/stat.h); the kernel writes 256 bytes.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    private struct StatxBuffer
    {
        public uint Mask;
        public uint BlockSize;
        public ulong Attributes;
        public uint LinkCount;
        public uint Uid;
        public uint Gid;
        public ushort Mode;
    }
}
