using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace HvFleet.Hypervisors.Confinement;

/// <summary>
/// A directory held open under an export root, reached component by component from a handle on
/// the root without following links: the one way exports create, write, rename and delete, so
/// that a folder swapped for a link after the request was checked cannot lead them outside the root.
/// </summary>
/// <remarks>
/// Linux: every name is opened relative to the held parent descriptor (openat with
/// O_NOFOLLOW|O_DIRECTORY, mkdirat, unlinkat, renameat); files are created with
/// O_CREAT|O_EXCL|O_NOFOLLOW. Windows: each component is opened without following reparse points
/// and held without FILE_SHARE_DELETE, so it cannot be renamed or replaced while held, and is
/// refused if it is a reparse point; names below it are then used by path. Deletion never follows
/// links: a link inside is removed as a link.
/// </remarks>
public sealed class ConfinedDirectory : IDisposable
{
    private readonly SafeFileHandle _handle;

    private ConfinedDirectory(SafeFileHandle handle, string fullPath)
    {
        _handle = handle;
        FullPath = fullPath;
    }

    /// <summary>The directory's path when it was opened (for messages, logs, and APIs that take a path).</summary>
    public string FullPath { get; }

    /// <summary>Opens an export root. The root's own path may contain links: it is configuration, not request data.</summary>
    public static ConfinedDirectory OpenRoot(string root)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        if (OperatingSystem.IsWindows())
        {
            return OpenWindows(full);
        }

        int fd = ConfinedNativeMethods.OpenDirectory(full);
        if (fd < 0)
        {
            throw Error(full, -fd, directory: true);
        }

        return new ConfinedDirectory(new SafeFileHandle(fd, ownsHandle: true), full);
    }

    /// <summary>
    /// Opens <paramref name="path"/>, which must be <paramref name="root"/> or lie under it, one
    /// component at a time from the root. With <paramref name="create"/>, missing directories are
    /// created and their paths appended to <paramref name="created"/>, outermost first.
    /// </summary>
    /// <exception cref="ConfinementException">A component is a link or not a directory, or the path is not under the root.</exception>
    /// <exception cref="DirectoryNotFoundException">A component is missing and <paramref name="create"/> is false.</exception>
    public static ConfinedDirectory Open(string root, string path, bool create, List<string>? created = null)
    {
        var names = RelativeNames(root, path);
        var current = OpenRoot(root);
        try
        {
            foreach (string name in names)
            {
                bool made = false;
                var next = create ? current.OpenOrCreateDirectory(name, out made) : current.OpenDirectory(name);
                if (made)
                {
                    created?.Add(next.FullPath);
                }

                current.Dispose();
                current = next;
            }

            return current;
        }
        catch
        {
            current.Dispose();
            throw;
        }
    }

    /// <summary>The components of <paramref name="path"/> below <paramref name="root"/>; refuses a path outside it.</summary>
    public static IReadOnlyList<string> RelativeNames(string root, string path)
    {
        string fullRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        string fullPath = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        string relative = Path.GetRelativePath(fullRoot, fullPath);
        if (relative == ".")
        {
            return [];
        }

        var names = relative.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        if (Path.IsPathRooted(relative) || names.Any(n => n == ".."))
        {
            throw new ConfinementException(fullPath, $"is not under the export root '{fullRoot}'");
        }

        return names;
    }

    /// <summary>The path of <paramref name="name"/> in this directory.</summary>
    public string PathOf(string name) => Path.Combine(FullPath, CheckName(name));

    /// <summary>What <paramref name="name"/> is, without following it.</summary>
    public ConfinedEntryKind KindOf(string name)
    {
        var info = new FileInfo(Path.Combine(LookupPath, CheckName(name)));
        info.Refresh();
        if ((int)info.Attributes == -1)
        {
            return ConfinedEntryKind.None;
        }

        if (info.Attributes.HasFlag(FileAttributes.ReparsePoint) || info.LinkTarget is not null)
        {
            return ConfinedEntryKind.Link;
        }

        return info.Attributes.HasFlag(FileAttributes.Directory) ? ConfinedEntryKind.Directory : ConfinedEntryKind.File;
    }

    /// <summary>The names in this directory.</summary>
    public IReadOnlyList<string> EntryNames() =>
        [.. System.IO.Directory.EnumerateFileSystemEntries(LookupPath).Select(p => Path.GetFileName(p))];

    /// <summary>Opens the existing directory <paramref name="name"/>.</summary>
    public ConfinedDirectory OpenDirectory(string name) =>
        TryOpenDirectory(name) ?? throw new DirectoryNotFoundException($"'{PathOf(name)}' does not exist.");

    /// <summary>Opens the directory <paramref name="name"/>; null when nothing has that name.</summary>
    public ConfinedDirectory? TryOpenDirectory(string name)
    {
        string path = PathOf(name);
        if (OperatingSystem.IsWindows())
        {
            return KindOf(name) == ConfinedEntryKind.None ? null : OpenWindows(path);
        }

        int fd = ConfinedNativeMethods.OpenDirectoryAt(_handle, name);
        if (fd == -ConfinedNativeMethods.ENOENT)
        {
            return null;
        }

        if (fd < 0)
        {
            throw -fd is ConfinedNativeMethods.ELOOP or ConfinedNativeMethods.ENOTDIR
                ? new ConfinementException(path, KindOf(name) == ConfinedEntryKind.Link ? "is a symbolic link" : "is not a directory")
                : Error(path, -fd, directory: true);
        }

        return new ConfinedDirectory(new SafeFileHandle(fd, ownsHandle: true), path);
    }

    /// <summary>Creates the directory <paramref name="name"/>, which must not exist, and opens it.</summary>
    public ConfinedDirectory CreateDirectory(string name)
    {
        string path = PathOf(name);
        if (OperatingSystem.IsWindows())
        {
            if (KindOf(name) != ConfinedEntryKind.None)
            {
                throw new IOException($"'{path}' already exists.");
            }

            System.IO.Directory.CreateDirectory(path);
        }
        else
        {
            int result = ConfinedNativeMethods.MkdirAt(_handle, name);
            if (result < 0)
            {
                throw Error(path, -result, directory: true);
            }
        }

        return OpenDirectory(name);
    }

    /// <summary>Opens the directory <paramref name="name"/>, creating it when missing.</summary>
    public ConfinedDirectory OpenOrCreateDirectory(string name, out bool created)
    {
        created = false;
        if (TryOpenDirectory(name) is { } existing)
        {
            return existing;
        }

        try
        {
            var made = CreateDirectory(name);
            created = true;
            return made;
        }
        catch (IOException) when (KindOf(name) == ConfinedEntryKind.Directory)
        {
            // Created concurrently by someone else: use it, still without following links.
            return OpenDirectory(name);
        }
    }

    /// <summary>
    /// Opens the directory at <paramref name="relativePath"/> ('/'-separated names) below this one,
    /// creating what is missing, one component at a time from this handle.
    /// </summary>
    public ConfinedDirectory OpenOrCreateDirectories(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var current = OpenDirectoryAgain();
        try
        {
            foreach (string name in relativePath.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                var next = current.OpenOrCreateDirectory(name, out _);
                current.Dispose();
                current = next;
            }

            return current;
        }
        catch
        {
            current.Dispose();
            throw;
        }
    }

    /// <summary>Creates the file <paramref name="name"/>, which must not exist, open for reading and writing.</summary>
    public SafeFileHandle CreateFile(string name)
    {
        string path = PathOf(name);
        if (OperatingSystem.IsWindows())
        {
            // CreateNew fails on any existing name, a reparse point included.
            return File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
        }

        int fd = ConfinedNativeMethods.CreateFileAt(_handle, name);
        return fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : throw Error(path, -fd, directory: false);
    }

    /// <summary>Opens the existing file <paramref name="name"/> for reading; a link is refused.</summary>
    public SafeFileHandle OpenFile(string name)
    {
        string path = PathOf(name);
        if (OperatingSystem.IsWindows())
        {
            if (KindOf(name) == ConfinedEntryKind.Link)
            {
                throw new ConfinementException(path, "is a reparse point");
            }

            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }

        int fd = ConfinedNativeMethods.OpenFileAt(_handle, name);
        return fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : throw Error(path, -fd, directory: false);
    }

    /// <summary>
    /// Renames <paramref name="from"/> in this directory to <paramref name="to"/> in
    /// <paramref name="destination"/> (replacing an empty directory or a file there, as rename does).
    /// The entry moved is never followed: a link moves as a link. On Windows no handle on the entry
    /// itself may be held.
    /// </summary>
    public void Rename(string from, ConfinedDirectory destination, string to)
    {
        ArgumentNullException.ThrowIfNull(destination);
        string source = PathOf(from);
        string target = destination.PathOf(to);
        if (OperatingSystem.IsWindows())
        {
            if (KindOf(from) == ConfinedEntryKind.Directory)
            {
                System.IO.Directory.Move(source, target);
            }
            else
            {
                File.Move(source, target);
            }

            return;
        }

        int result = ConfinedNativeMethods.RenameAt(_handle, from, destination._handle, to);
        if (result < 0)
        {
            throw Error(source, -result, directory: false, $" to '{target}'");
        }
    }

    /// <summary>
    /// Removes <paramref name="name"/> and, for a directory, everything in it, never following a
    /// link (a link is removed as a link). Returns false when nothing had that name.
    /// </summary>
    public bool Delete(string name)
    {
        switch (KindOf(name))
        {
            case ConfinedEntryKind.None:
                return false;
            case ConfinedEntryKind.Directory:
                ConfinedDirectory? child;
                try
                {
                    child = TryOpenDirectory(name);
                }
                catch (ConfinementException)
                {
                    // Swapped for a link since we looked: remove the link, never what it points to.
                    RemoveName(name, directory: false);
                    return true;
                }

                if (child is null)
                {
                    return false;
                }

                using (child)
                {
                    foreach (string entry in child.EntryNames())
                    {
                        child.Delete(entry);
                    }
                }

                RemoveName(name, directory: true);
                return true;
            default:
                RemoveName(name, directory: false);
                return true;
        }
    }

    /// <summary>Removes the directory <paramref name="name"/> if it is empty; false when it is not, or is not there.</summary>
    public bool TryRemoveEmptyDirectory(string name)
    {
        if (KindOf(name) != ConfinedEntryKind.Directory)
        {
            return false;
        }

        try
        {
            RemoveName(name, directory: true);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Whether the directory holds nothing.</summary>
    public bool IsEmpty() => EntryNames().Count == 0;

    public void Dispose() => _handle.Dispose();

    // Linux: the held descriptor itself, through procfs, so that listing and lookups see the very
    // directory this handle holds, whatever has since been renamed or replaced on the path.
    private string LookupPath => OperatingSystem.IsWindows() ? FullPath : "/proc/self/fd/" + _handle.DangerousGetHandle();

    private void RemoveName(string name, bool directory)
    {
        string path = PathOf(name);
        if (OperatingSystem.IsWindows())
        {
            if (directory || KindOf(name) == ConfinedEntryKind.Link && System.IO.Directory.Exists(path))
            {
                // A directory link (junction or symbolic link) is removed like an empty directory, not followed.
                System.IO.Directory.Delete(path, recursive: false);
            }
            else
            {
                File.Delete(path);
            }

            return;
        }

        int result = ConfinedNativeMethods.UnlinkAt(_handle, name, directory);
        if (result < 0 && result != -ConfinedNativeMethods.ENOENT)
        {
            throw Error(path, -result, directory);
        }
    }

    /// <summary>A second handle on this same directory, for callers that dispose what they are given.</summary>
    private ConfinedDirectory OpenDirectoryAgain()
    {
        if (OperatingSystem.IsWindows())
        {
            return OpenWindows(FullPath);
        }

        // "." relative to the held descriptor is the held directory itself, whatever its path now.
        int fd = ConfinedNativeMethods.OpenDirectoryAt(_handle, ".");
        return fd >= 0 ? new ConfinedDirectory(new SafeFileHandle(fd, ownsHandle: true), FullPath) : throw Error(FullPath, -fd, directory: true);
    }

    private static string CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name is "." or ".." || name.IndexOfAny(['/', '\\', '\0']) >= 0)
        {
            throw new ArgumentException($"'{name}' is not a single path component.", nameof(name));
        }

        return name;
    }

    private static ConfinedDirectory OpenWindows(string path)
    {
        var handle = ConfinedNativeMethods.OpenDirectoryWindows(path);
        if (handle.IsInvalid)
        {
            int error = Marshal.GetLastPInvokeError();
            handle.Dispose();
            throw error is 2 or 3
                ? new DirectoryNotFoundException($"'{path}' does not exist.")
                : new IOException($"'{path}' cannot be opened: {Marshal.GetPInvokeErrorMessage(error)}", error);
        }

        // The handle is held without FILE_SHARE_DELETE: the object at this path can no longer be
        // swapped, so its attributes read by path are those of the object we hold.
        var attributes = File.GetAttributes(path);
        if (attributes.HasFlag(FileAttributes.ReparsePoint) || !attributes.HasFlag(FileAttributes.Directory))
        {
            handle.Dispose();
            throw new ConfinementException(path, attributes.HasFlag(FileAttributes.ReparsePoint) ? "is a reparse point (link or junction)" : "is not a directory");
        }

        return new ConfinedDirectory(handle, path);
    }

    /// <summary>The exception for a failed system call; <see cref="Exception.HResult"/> carries the errno.</summary>
    private static IOException Error(string path, int errno, bool directory, string? detail = null)
    {
        string message = $"'{path}'{detail}: {Marshal.GetPInvokeErrorMessage(errno)}";
        return errno switch
        {
            ConfinedNativeMethods.ENOENT when directory => new DirectoryNotFoundException(message) { HResult = errno },
            ConfinedNativeMethods.ENOENT => new FileNotFoundException(message) { HResult = errno },
            ConfinedNativeMethods.ELOOP => new ConfinementException(path, "is a symbolic link"),
            _ => new IOException(message, errno),
        };
    }
}
