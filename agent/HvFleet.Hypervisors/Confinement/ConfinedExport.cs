namespace HvFleet.Hypervisors.Confinement;

/// <summary>
/// The target of one export, held from its export root: the parent folder (created as needed)
/// and a staging folder beside the target, <c>.&lt;name&gt;.hvfleet-tmp-&lt;suffix&gt;</c>, that the
/// export writes into and that replaces the target only when the export succeeded. Every step
/// (create, check, rename, delete) goes through <see cref="ConfinedDirectory"/> handles, so a
/// folder swapped for a link after the request was accepted fails the export instead of leading
/// it outside the root, and nothing outside the root is ever written or deleted. Disposing an
/// uncommitted export removes the staging folder and the parents it created, if still empty.
/// </summary>
internal sealed class ConfinedExport : IDisposable
{
    /// <summary>The marker between the target's name and a staging folder's suffix.</summary>
    public const string TempMarker = ".hvfleet-tmp-";

    private const string OldMarker = ".hvfleet-old-";

    private readonly string _root;
    private readonly string _name;
    private readonly ConfinedDirectory _parent;
    private readonly List<string> _createdParents;
    private readonly HyperVCodeFamily _family;
    private ConfinedDirectory? _staging;
    private bool _committed;
    private bool _disposed;

    private ConfinedExport(string root, string target, ConfinedDirectory parent, List<string> createdParents, string stagingName, HyperVCodeFamily family)
    {
        _root = root;
        Target = target;
        _name = Path.GetFileName(target);
        _parent = parent;
        _createdParents = createdParents;
        StagingName = stagingName;
        _family = family;
    }

    /// <summary>The export directory (full path).</summary>
    public string Target { get; }

    /// <summary>The staging folder's name in the target's parent.</summary>
    public string StagingName { get; }

    /// <summary>The staging folder's full path (what is handed to a writer that needs a path, e.g. Hyper-V).</summary>
    public string StagingPath => _parent.PathOf(StagingName);

    /// <summary>The staging folder, held open; null once committed.</summary>
    public ConfinedDirectory Staging => _staging ?? throw new InvalidOperationException("The export was committed; its staging folder is gone.");

    /// <summary>
    /// Opens the target's parent from <paramref name="root"/> (creating missing folders), checks
    /// the target (a file, or without <paramref name="overwrite"/> a non-empty folder, is refused),
    /// and creates and holds a new staging folder.
    /// </summary>
    /// <param name="root">The export root the target was confined to; null uses the target's filesystem root.</param>
    /// <param name="target">The export directory, absolute.</param>
    /// <param name="overwrite">Whether an existing, non-empty target may be replaced.</param>
    /// <param name="family">The code family of the errors raised.</param>
    public static ConfinedExport Prepare(string? root, string target, bool overwrite, HyperVCodeFamily family)
    {
        target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(target));
        root ??= Path.GetPathRoot(target)!;
        string parentPath = Path.GetDirectoryName(target)
            ?? throw HypervisorException.InvalidParameter($"Export directory '{target}' has no parent directory.", family);
        var created = new List<string>();
        ConfinedDirectory? parent = null;
        try
        {
            parent = ConfinedDirectory.Open(root, parentPath, create: true, created);
            CheckTarget(parent, Path.GetFileName(target), target, overwrite, family);
            string stagingName = "." + Path.GetFileName(target) + TempMarker + Guid.NewGuid().ToString("N");
            var export = new ConfinedExport(root, target, parent, created, stagingName, family);
            export._staging = parent.CreateDirectory(stagingName);
            return export;
        }
        catch (ConfinementException ex)
        {
            Release(parent, root, created);
            throw Refused(target, ex, family);
        }
        catch
        {
            Release(parent, root, created);
            throw;
        }
    }

    /// <summary>Re-opens an export whose staging folder was recorded before an agent restart.</summary>
    public static ConfinedExport Resume(string? root, string target, string stagingPath, HyperVCodeFamily family)
    {
        target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(target));
        root ??= Path.GetPathRoot(target)!;
        try
        {
            var parent = ConfinedDirectory.Open(root, Path.GetDirectoryName(target)!, create: false);
            var export = new ConfinedExport(root, target, parent, [], Path.GetFileName(stagingPath), family);
            try
            {
                export._staging = parent.OpenOrCreateDirectory(export.StagingName, out _);
            }
            catch
            {
                parent.Dispose();
                throw;
            }

            return export;
        }
        catch (ConfinementException ex)
        {
            throw Refused(target, ex, family);
        }
    }

    /// <summary>Size in bytes and number of the files in the staging folder, walked without following links.</summary>
    public (long Bytes, int Files) Measure() => Measure(Staging);

    /// <summary>
    /// Puts the staging folder in place of the target. An existing target (overwrite) is moved
    /// aside first, restored if the move fails, and deleted (never through a link) once replaced.
    /// </summary>
    public void Commit()
    {
        // Windows cannot rename a folder that this process holds; Linux does not care.
        Staging.Dispose();
        _staging = null;
        try
        {
            switch (_parent.KindOf(_name))
            {
                case ConfinedEntryKind.None:
                    _parent.Rename(StagingName, _parent, _name);
                    break;
                case ConfinedEntryKind.Directory when IsEmptyDirectory(_parent, _name):
                    _parent.TryRemoveEmptyDirectory(_name);
                    _parent.Rename(StagingName, _parent, _name);
                    break;
                case ConfinedEntryKind.Directory:
                    string old = "." + _name + OldMarker + Guid.NewGuid().ToString("N");
                    _parent.Rename(_name, _parent, old);
                    try
                    {
                        _parent.Rename(StagingName, _parent, _name);
                    }
                    catch
                    {
                        _parent.Rename(old, _parent, _name);
                        throw;
                    }

                    _parent.Delete(old);
                    break;
                default:
                    CheckTarget(_parent, _name, Target, overwrite: true, _family);
                    break;
            }
        }
        catch (ConfinementException ex)
        {
            throw Refused(Target, ex, _family);
        }

        _committed = true;
    }

    /// <summary>Releases the handles; an uncommitted export's staging folder and created parents are removed.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _staging?.Dispose();
        _staging = null;
        if (!_committed)
        {
            try
            {
                _parent.Delete(StagingName);
            }
            catch (IOException)
            {
                // Best effort: the export failed already; a leftover must not hide that error (ExportCleanup retries).
            }
            catch (UnauthorizedAccessException)
            {
                // Same as above.
            }
        }

        Release(_parent, _root, _committed ? [] : _createdParents);
    }

    private static void CheckTarget(ConfinedDirectory parent, string name, string target, bool overwrite, HyperVCodeFamily family)
    {
        switch (parent.KindOf(name))
        {
            case ConfinedEntryKind.File:
                throw new HypervisorException(HypervisorErrorKind.AlreadyExists, HyperVCodes.MsvmInvalidParameter, family, $"Export directory '{target}' exists and is a file.");
            case ConfinedEntryKind.Link:
                throw new ConfinementException(target, "is a symbolic link");
            case ConfinedEntryKind.Directory when !overwrite && !IsEmptyDirectory(parent, name):
                throw new HypervisorException(HypervisorErrorKind.AlreadyExists, HyperVCodes.MsvmInvalidParameter, family, $"Export directory '{target}' is not empty; allow overwrite to replace it.");
        }
    }

    private static bool IsEmptyDirectory(ConfinedDirectory parent, string name)
    {
        using var directory = parent.OpenDirectory(name);
        return directory.IsEmpty();
    }

    private static (long Bytes, int Files) Measure(ConfinedDirectory directory)
    {
        long bytes = 0;
        int files = 0;
        foreach (string name in directory.EntryNames())
        {
            switch (directory.KindOf(name))
            {
                case ConfinedEntryKind.Directory:
                    using (var child = directory.OpenDirectory(name))
                    {
                        var (b, f) = Measure(child);
                        bytes += b;
                        files += f;
                    }

                    break;
                case ConfinedEntryKind.File:
                    using (var file = directory.OpenFile(name))
                    {
                        bytes += RandomAccess.GetLength(file);
                        files++;
                    }

                    break;
            }
        }

        return (bytes, files);
    }

    private static HypervisorException Refused(string target, ConfinementException ex, HyperVCodeFamily family) =>
        new(HypervisorErrorKind.AccessDenied, HyperVCodes.MsvmAccessDenied, family,
            $"Export directory '{target}' cannot be used: {ex.Message}", ex);

    private static void Release(ConfinedDirectory? parent, string root, List<string> createdParents)
    {
        parent?.Dispose();

        // Folders this export created above the target go too, innermost first, if still empty;
        // each is reached again from the root, never through a link.
        for (int i = createdParents.Count - 1; i >= 0; i--)
        {
            try
            {
                using var holder = ConfinedDirectory.Open(root, Path.GetDirectoryName(createdParents[i])!, create: false);
                holder.TryRemoveEmptyDirectory(Path.GetFileName(createdParents[i]));
            }
            catch (IOException)
            {
                // Gone, refilled or swapped for a link meanwhile: leave it.
            }
            catch (UnauthorizedAccessException)
            {
                // Same as above.
            }
        }
    }
}
