namespace HvFleet.Hypervisors.Lab;

public sealed partial class LabHypervisor
{
    private const string VirtualMachinesFolder = "Virtual Machines";
    private const string VirtualHardDisksFolder = "Virtual Hard Disks";
    private const string SnapshotsFolder = "Snapshots";

    /// <inheritdoc />
    /// <remarks>
    /// Writes the Hyper-V export layout (per VM: <c>Virtual Machines</c>, <c>Virtual Hard Disks</c>,
    /// <c>Snapshots</c>; JSON stands in for .vmcx) plus <c>hvfleet-export.json</c>, into a
    /// temporary folder beside the target that is renamed into place at the end. Cancellation or
    /// failure removes it, leaving nothing behind. Snapshot files are frozen, so the export holds
    /// the moment the snapshot was taken whatever the running VMs write meanwhile. Errors use the
    /// Msvm family, as the export methods do (reference §3.2, §5.4).
    /// </remarks>
    public async Task<OperationResult> ExportSnapshotAsync(ExportRequest request, IOperationObserver observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(observer);
        string target = ValidateExportRequest(request);
        await EnsureInitializedAsync(cancellationToken);

        // Find the snapshot (and base) and mark them in use in one step under the state lock, so a
        // concurrent delete either happens before (not found) or is refused (in use).
        var (snapshot, baseSnapshot, hostName, uses) = await ReadAsync(state => PrepareExport(state, request), cancellationToken);
        var createdParents = new List<string>();
        string? staging = null;
        bool committed = false;
        try
        {
            CheckExportTarget(target, request.Overwrite);
            string parent = Path.GetDirectoryName(target)!;
            CreateParents(parent, createdParents);
            staging = Path.Combine(parent, "." + Path.GetFileName(target) + ".hvfleet-tmp-" + Guid.NewGuid().ToString("N"));
            System.IO.Directory.CreateDirectory(staging);

            await _faults.DelayAsync(BackendOperationKind.ExportSnapshot, cancellationToken);
            var (manifest, copiedBytes) = await WriteExportAsync(snapshot, baseSnapshot, request.Options, staging, hostName, observer, cancellationToken);

            _faults.ThrowIfInjected(BackendOperationKind.ExportSnapshot);
            cancellationToken.ThrowIfCancellationRequested();
            CommitExport(staging, target, request.Overwrite);
            committed = true;

            observer.ReportProgress(new HypervisorProgress(100, copiedBytes, copiedBytes, "Export completed"));
            LogExportCompleted(_logger, snapshot.Id, target, manifest.Files.Count, manifest.TotalBytes);
            return new OperationResult(
                [snapshot.Id],
                ExportPath: target,
                ManifestPath: Path.Combine(target, LabExportManifest.FileName),
                Bytes: manifest.TotalBytes,
                Files: manifest.Files.Count);
        }
        catch (OperationCanceledException)
        {
            LogExportCancelled(_logger, snapshot.Id, target);
            throw;
        }
        catch (Exception ex)
        {
            LogExportFailed(_logger, snapshot.Id, target, ex);
            if (LabIoErrors.ToHypervisorException(ex, target) is { } mapped)
            {
                throw mapped;
            }

            throw;
        }
        finally
        {
            if (!committed)
            {
                if (staging is not null)
                {
                    DeleteDirectoryQuietly(staging);
                }

                // Folders this export created above the target go too, innermost first, if still empty.
                for (int i = createdParents.Count - 1; i >= 0; i--)
                {
                    TryRemoveEmptyDirectory(createdParents[i]);
                }
            }

            foreach (var use in uses)
            {
                use.Dispose();
            }
        }
    }

    private static string ValidateExportRequest(ExportRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.SnapshotId))
        {
            throw HypervisorException.InvalidParameter("SnapshotId is required.", HyperVCodeFamily.Msvm);
        }

        if (string.IsNullOrWhiteSpace(request.ExportDirectory) || !Path.IsPathFullyQualified(request.ExportDirectory))
        {
            throw HypervisorException.InvalidParameter($"ExportDirectory must be a fully qualified path (got '{request.ExportDirectory}').", HyperVCodeFamily.Msvm);
        }

        string target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(request.ExportDirectory));
        if (Path.GetDirectoryName(target) is null)
        {
            throw HypervisorException.InvalidParameter($"ExportDirectory must not be a filesystem root (got '{request.ExportDirectory}').", HyperVCodeFamily.Msvm);
        }

        var options = request.Options ?? throw HypervisorException.InvalidParameter("Export settings are required.", HyperVCodeFamily.Msvm);
        if (!Enum.IsDefined(options.BackupIntent))
        {
            throw HypervisorException.InvalidParameter($"BackupIntent {(int)options.BackupIntent} is not valid.", HyperVCodeFamily.Msvm);
        }

        if (!Enum.IsDefined(options.CaptureLiveState))
        {
            throw HypervisorException.InvalidParameter($"CaptureLiveState {(int)options.CaptureLiveState} is not valid.", HyperVCodeFamily.Msvm);
        }

        if (!string.IsNullOrEmpty(options.DifferentialBackupBase) && !options.CopyVmStorage)
        {
            throw HypervisorException.InvalidParameter("DifferentialBackupBase requires CopyVmStorage: a differential export without storage has nothing to differ.", HyperVCodeFamily.Msvm);
        }

        return target;
    }

    private (LabSnapshotRecord Snapshot, LabSnapshotRecord? Base, string HostName, List<IDisposable> Uses) PrepareExport(LabHostState state, ExportRequest request)
    {
        var snapshot = FindSnapshot(state, request.SnapshotId)
            ?? throw HypervisorException.NotFound($"Snapshot '{request.SnapshotId}' was not found.");
        foreach (var member in snapshot.Members)
        {
            if (FindVm(state, member.VmId) is { State: VmState.Busy or VmState.Other } vm)
            {
                throw HypervisorException.InvalidState($"Virtual machine '{vm.Name}' ({vm.Id}) is in state {vm.State}; its snapshot cannot be exported now.", HyperVCodeFamily.Msvm);
            }
        }

        LabSnapshotRecord? baseSnapshot = null;
        if (request.Options.DifferentialBackupBase is { Length: > 0 } baseId)
        {
            baseSnapshot = FindSnapshot(state, baseId)
                ?? throw HypervisorException.NotFound($"Differential backup base '{baseId}' was not found.");
            if (string.Equals(baseSnapshot.Id, snapshot.Id, StringComparison.OrdinalIgnoreCase))
            {
                throw HypervisorException.InvalidParameter("DifferentialBackupBase must be an earlier snapshot, not the snapshot being exported.", HyperVCodeFamily.Msvm);
            }

            var vms = snapshot.Members.Select(m => m.VmId).ToHashSet(StringComparer.OrdinalIgnoreCase);
            if (!vms.SetEquals(baseSnapshot.Members.Select(m => m.VmId)))
            {
                throw HypervisorException.InvalidParameter($"DifferentialBackupBase '{baseSnapshot.Id}' is not a snapshot of the same virtual machines as '{snapshot.Id}'.", HyperVCodeFamily.Msvm);
            }

            if (baseSnapshot.CreatedAt > snapshot.CreatedAt)
            {
                throw HypervisorException.InvalidParameter($"DifferentialBackupBase '{baseSnapshot.Id}' was taken after '{snapshot.Id}'.", HyperVCodeFamily.Msvm);
            }
        }

        var uses = new List<IDisposable> { _uses.Acquire(snapshot.Id) };
        if (baseSnapshot is not null)
        {
            uses.Add(_uses.Acquire(baseSnapshot.Id));
        }

        return (snapshot, baseSnapshot, state.HostName, uses);
    }

    private static void CheckExportTarget(string target, bool overwrite)
    {
        if (File.Exists(target))
        {
            throw new HypervisorException(HypervisorErrorKind.AlreadyExists, HyperVCodes.MsvmInvalidParameter, HyperVCodeFamily.Msvm,
                $"Export directory '{target}' exists and is a file.");
        }

        if (!overwrite && System.IO.Directory.Exists(target) && System.IO.Directory.EnumerateFileSystemEntries(target).Any())
        {
            throw new HypervisorException(HypervisorErrorKind.AlreadyExists, HyperVCodes.MsvmInvalidParameter, HyperVCodeFamily.Msvm,
                $"Export directory '{target}' is not empty; allow overwrite to replace it.");
        }
    }

    /// <summary>Writes the whole export into <paramref name="staging"/>; returns its manifest and the data bytes copied.</summary>
    private async Task<(LabExportManifest Manifest, long CopiedBytes)> WriteExportAsync(
        LabSnapshotRecord snapshot,
        LabSnapshotRecord? baseSnapshot,
        ExportOptions options,
        string staging,
        string hostName,
        IOperationObserver observer,
        CancellationToken cancellationToken)
    {
        var manifest = new LabExportManifest
        {
            SnapshotId = snapshot.Id,
            SnapshotName = snapshot.Name,
            SnapshotType = snapshot.Kind,
            Scope = snapshot.Scope,
            CollectionId = snapshot.CollectionId,
            SnapshotCreatedAt = snapshot.CreatedAt,
            ExportedAt = _timeProvider.GetUtcNow(),
            HostName = hostName,
            CopyVmStorage = options.CopyVmStorage,
            CreateVmExportSubdirectory = options.CreateVmExportSubdirectory,
            CopyVmRuntimeInformation = options.CopyVmRuntimeInformation,
            BackupIntent = options.BackupIntent,
            CaptureLiveState = options.CaptureLiveState,
            DifferentialBackupBase = baseSnapshot?.Id,
        };

        var layout = new LabExportLayout(options.CreateVmExportSubdirectory);
        var files = new List<ExportFile>();
        var configs = new List<(string Relative, LabVmConfiguration Config)>();
        string snapshotDir = _paths.SnapshotDirectory(snapshot.Id);
        string? baseDir = baseSnapshot is null ? null : _paths.SnapshotDirectory(baseSnapshot.Id);
        foreach (var member in snapshot.Members)
        {
            string vmDir = layout.VmDirectory(member);
            string memberDir = LabPaths.MemberDirectory(snapshotDir, member.VmId);
            var baseMember = baseSnapshot?.Members.First(m => string.Equals(m.VmId, member.VmId, StringComparison.OrdinalIgnoreCase));
            var manifestVm = new LabExportManifestVm { VmId = member.VmId, VmName = member.VmName, SnapshotId = member.SnapshotId, Directory = vmDir };
            var disks = new List<LabVmConfigurationDisk>();
            foreach (var disk in member.Disks)
            {
                var baseDisk = baseMember?.Disks.FirstOrDefault(d => d.FileName == disk.FileName && d.SizeBytes == disk.SizeBytes);
                bool unchanged = baseDisk is not null && baseDisk.Sha256 == disk.Sha256;
                bool differencing = baseDisk is not null && !unchanged;
                string relative = layout.File(member, VirtualHardDisksFolder, differencing ? Path.ChangeExtension(disk.FileName, ".avhdx") : disk.FileName);
                string source = Path.Combine(memberDir, disk.FileName);
                if (options.CopyVmStorage && differencing)
                {
                    // Differential: only the blocks that changed since the base, as a differencing disk.
                    files.Add(new ExportFile(source, relative, disk.SizeBytes, null, Path.Combine(LabPaths.MemberDirectory(baseDir!, member.VmId), disk.FileName), baseDisk!.Sha256, disk.Sha256));
                    manifestVm.DifferencingDisks.Add(disk.FileName);
                }
                else if (options.CopyVmStorage && !unchanged)
                {
                    files.Add(new ExportFile(source, relative, disk.SizeBytes, _options.RehashOnExport ? null : disk.Sha256));
                }

                if (unchanged)
                {
                    manifestVm.UnchangedDisks.Add(disk.FileName);
                }

                disks.Add(new LabVmConfigurationDisk
                {
                    Controller = disk.Controller,
                    Path = options.CopyVmStorage ? LabExportLayout.RelativeTo(vmDir, relative) : _paths.VmDisk(member.VmId, disk.FileName),
                    SizeBytes = disk.SizeBytes,
                    Sha256 = disk.Sha256,
                    InDifferentialBase = unchanged,
                    ParentSha256 = differencing ? baseDisk!.Sha256 : null,
                });
            }

            bool runtime = options.CopyVmRuntimeInformation && member.HasRuntimeState;
            if (runtime)
            {
                string runtimeFile = LabPaths.RuntimeStateFileName(member.VmId);
                string source = Path.Combine(memberDir, runtimeFile);
                files.Add(new ExportFile(source, layout.File(member, VirtualMachinesFolder, runtimeFile), new FileInfo(source).Length, null));
            }

            configs.Add((layout.File(member, VirtualMachinesFolder, member.VmId + ".json"), Configuration(snapshot, member, disks, runtime, isSnapshot: false)));
            configs.Add((layout.File(member, SnapshotsFolder, member.SnapshotId + ".json"), Configuration(snapshot, member, disks, runtime, isSnapshot: true)));
            manifest.Vms.Add(manifestVm);
        }

        // Progress counts source bytes read (copied, or compared for a differencing disk).
        long total = files.Sum(c => c.Size);
        long done = 0;
        observer.ReportProgress(new HypervisorProgress(0, 0, total, "Exporting"));
        foreach (var file in files)
        {
            string destination = Path.Combine(staging, file.Relative);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            void Progress(long delta)
            {
                done += delta;
                observer.ReportProgress(new HypervisorProgress(Percent(done, total, 99), done, total, "Copying " + file.Relative));
            }

            if (file.BaseSource is not null)
            {
                var delta = await LabDifferencingDisk.WriteAsync(
                    file.Source, file.BaseSource, destination, file.BaseSha256!, file.ResultSha256!, LabDifferencingDisk.DefaultBlockSize, Progress, cancellationToken);
                LogDifferencingDiskWritten(_logger, file.Relative, delta.ChangedBlocks, delta.TotalBlocks, delta.Bytes);
                manifest.Files.Add(new LabExportManifestFile { Path = file.Relative, Size = delta.Bytes, Sha256 = delta.Sha256 });
                continue;
            }

            var copy = await _copier.CopyAsync(file.Source, destination, computeHash: file.KnownSha256 is null, Progress, cancellationToken);
            LogFileCopied(_logger, file.Relative, copy.Bytes, copy.Path);
            manifest.Files.Add(new LabExportManifestFile { Path = file.Relative, Size = copy.Bytes, Sha256 = file.KnownSha256 ?? copy.Sha256! });
        }

        foreach (var (relative, config) in configs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string destination = Path.Combine(staging, relative);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            await LabStateStore.WriteJsonAsync(destination, config, LabJsonContext.Default.LabVmConfiguration, cancellationToken);
            manifest.Files.Add(new LabExportManifestFile
            {
                Path = relative,
                Size = new FileInfo(destination).Length,
                Sha256 = await _copier.HashFileAsync(destination, null, cancellationToken),
            });
        }

        manifest.Files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        manifest.TotalBytes = manifest.Files.Sum(f => f.Size);
        await LabStateStore.WriteJsonAsync(Path.Combine(staging, LabExportManifest.FileName), manifest, LabJsonContext.Default.LabExportManifest, cancellationToken);
        return (manifest, total);
    }

    private static LabVmConfiguration Configuration(LabSnapshotRecord snapshot, LabSnapshotMemberRecord member, List<LabVmConfigurationDisk> disks, bool runtime, bool isSnapshot) => new()
    {
        InstanceId = "Microsoft:" + (isSnapshot ? member.SnapshotId : member.VmId),
        VirtualSystemIdentifier = member.VmId,
        ElementName = isSnapshot ? snapshot.Name : member.VmName,
        VirtualSystemType = !isSnapshot
            ? "Microsoft:Hyper-V:System:Realized"
            : snapshot.Kind == SnapshotKind.Recovery ? "Microsoft:Hyper-V:Snapshot:Recovery" : "Microsoft:Hyper-V:Snapshot:Realized",
        CreationTime = snapshot.CreatedAt,
        Generation = member.Generation,
        ProcessorCount = member.ProcessorCount,
        MemoryMiB = member.MemoryMiB,
        SnapshotId = member.SnapshotId,
        CollectionSnapshotId = snapshot.Scope == SnapshotScope.Collection ? snapshot.Id : null,
        IsSaved = runtime,
        Disks = disks,
    };

    /// <summary>
    /// One data file of an export: copied from <see cref="Source"/>, or, with a <see cref="BaseSource"/>,
    /// written as a differencing disk of the blocks that differ from it.
    /// </summary>
    private sealed record ExportFile(
        string Source,
        string Relative,
        long Size,
        string? KnownSha256,
        string? BaseSource = null,
        string? BaseSha256 = null,
        string? ResultSha256 = null);

    /// <summary>Moves the finished export into place; an old target is replaced only now, and restored if that fails.</summary>
    private static void CommitExport(string staging, string target, bool overwrite)
    {
        if (!System.IO.Directory.Exists(target))
        {
            System.IO.Directory.Move(staging, target);
            return;
        }

        if (!System.IO.Directory.EnumerateFileSystemEntries(target).Any())
        {
            System.IO.Directory.Delete(target);
            System.IO.Directory.Move(staging, target);
            return;
        }

        if (!overwrite)
        {
            CheckExportTarget(target, overwrite);
        }

        string old = Path.Combine(Path.GetDirectoryName(target)!, "." + Path.GetFileName(target) + ".hvfleet-old-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.Move(target, old);
        try
        {
            System.IO.Directory.Move(staging, target);
        }
        catch
        {
            System.IO.Directory.Move(old, target);
            throw;
        }

        System.IO.Directory.Delete(old, recursive: true);
    }

    private static void CreateParents(string directory, List<string> created)
    {
        var missing = new Stack<string>();
        for (string? dir = directory; dir is not null && !System.IO.Directory.Exists(dir); dir = Path.GetDirectoryName(dir))
        {
            missing.Push(dir);
        }

        while (missing.Count > 0)
        {
            string dir = missing.Pop();
            System.IO.Directory.CreateDirectory(dir);
            created.Add(dir);
        }
    }

    private static void TryRemoveEmptyDirectory(string path)
    {
        try
        {
            if (System.IO.Directory.Exists(path) && !System.IO.Directory.EnumerateFileSystemEntries(path).Any())
            {
                System.IO.Directory.Delete(path);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
