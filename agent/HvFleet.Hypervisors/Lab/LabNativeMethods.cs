using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace HvFleet.Hypervisors.Lab;

/// <summary>
/// Linux system calls the lab uses for fast copies: FICLONE (reflink: the destination shares the
/// source's extents copy-on-write, so it never changes with the source, unlike a hard link) and
/// copy_file_range (in-kernel copy, no user-space buffers). Both fail cleanly where unsupported.
/// </summary>
internal static partial class LabNativeMethods
{
    // _IOW(0x94, 9, int) from linux/fs.h.
    private const nuint Ficlone = 0x40049409;

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int IoctlInt(int fd, nuint request, int argument);

    [LibraryImport("libc", EntryPoint = "copy_file_range", SetLastError = true)]
    private static unsafe partial nint CopyFileRangeNative(int fdIn, long* offIn, int fdOut, long* offOut, nuint length, uint flags);

    /// <summary>Makes <paramref name="destination"/> a reflink of <paramref name="source"/>; false when the filesystem cannot.</summary>
    public static bool TryClone(SafeFileHandle source, SafeFileHandle destination)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        return WithDescriptors(source, destination, static (src, dst) => IoctlInt(dst, Ficlone, src) == 0);
    }

    /// <summary>
    /// Copies up to <paramref name="length"/> bytes at <paramref name="offset"/> in the kernel.
    /// Returns the bytes copied (0 at end of file), or -1 when copy_file_range is unavailable here.
    /// </summary>
    public static long CopyRange(SafeFileHandle source, SafeFileHandle destination, long offset, long length)
    {
        if (!OperatingSystem.IsLinux())
        {
            return -1;
        }

        return WithDescriptors(source, destination, (src, dst) =>
        {
            unsafe
            {
                long inOffset = offset;
                long outOffset = offset;
                while (true)
                {
                    nint copied = CopyFileRangeNative(src, &inOffset, dst, &outOffset, (nuint)length, 0);
                    if (copied >= 0)
                    {
                        return (long)copied;
                    }

                    // EINTR: retry.
                    if (Marshal.GetLastPInvokeError() == 4)
                    {
                        continue;
                    }

                    return -1;
                }
            }
        });
    }

    private static T WithDescriptors<T>(SafeFileHandle source, SafeFileHandle destination, Func<int, int, T> action)
    {
        bool sourceAdded = false;
        bool destinationAdded = false;
        try
        {
            source.DangerousAddRef(ref sourceAdded);
            destination.DangerousAddRef(ref destinationAdded);
            return action((int)source.DangerousGetHandle(), (int)destination.DangerousGetHandle());
        }
        finally
        {
            if (destinationAdded)
            {
                destination.DangerousRelease();
            }

            if (sourceAdded)
            {
                source.DangerousRelease();
            }
        }
    }
}
