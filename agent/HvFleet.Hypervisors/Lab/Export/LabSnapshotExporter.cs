using System.Security.Cryptography;
using System.Text.Json;
using HvFleet.Hypervisors.Confinement;

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
    /// the moment the snapshot was taken whatever the running VMs write meanwhile. Every file is
    /// hashed from the bytes written and checked against the digest recorded at snapshot time (a
    /// damaged checkpoint fails the export). The target is reached from the request's export root
    /// through <see cref="ConfinedExport"/>: a link on the way is refused (AccessDenied). Errors use
    /// the Msvm family, as the export methods do (reference §3.2, §5.4).
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
        ConfinedExport? export = null;
        try
        {
            // Opened again from the export root, component by component, never through a link:
            // the folders may have changed since the agent checked the request.
            export = ConfinedExport.Prepare(request.ExportRoot, target, request.Overwrite, HyperVCodeFamily.Msvm);

            await _faults.DelayAsync(BackendOperationKind.ExportSnapshot, cancellationToken);
            var (manifest, copiedBytes) = await WriteExportAsync(snapshot, baseSnapshot, request.Options, export.Staging, hostName, observer, cancellationToken);

            _faults.ThrowIfInjected(BackendOperationKind.ExportSnapshot);
            cancellationToken.ThrowIfCancellationRequested();
            export.Commit();

            observer.ReportProgress(new HypervisorProgress(100, copiedBytes, copiedBytes, "Export completed"));
            await _faults.DelayAfterCommitAsync(BackendOperationKind.ExportSnapshot);
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
            // Uncommitted: the staging folder and the parents this export created go.
            export?.Dispose();
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

        if (request.ExportRoot is { } root && !Path.IsPathFullyQualified(root))
        {
            throw HypervisorException.InvalidParameter($"ExportRoot must be a fully qualified path (got '{root}').", HyperVCodeFamily.Msvm);
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

    /// <summary>
    /// Writes the whole export into <paramref name="staging"/>; returns its manifest and the data
    /// bytes copied. Files are copied in parallel, each hashed from the bytes as they are written and
    /// compared with the digest recorded when the snapshot was taken: a checkpoint damaged on disk
    /// fails the export, naming every file that differs, before any manifest is written.
    /// </summary>
    private async Task<(LabExportManifest Manifest, long CopiedBytes)> WriteExportAsync(
        LabSnapshotRecord snapshot,
        LabSnapshotRecord? baseSnapshot,
        ExportOptions options,
        ConfinedDirectory staging,
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
                    files.Add(new ExportFile(source, relative, disk.SizeBytes, disk.Sha256, Path.Combine(LabPaths.MemberDirectory(baseDir!, member.VmId), disk.FileName), baseDisk!.Sha256));
                    manifestVm.DifferencingDisks.Add(disk.FileName);
                }
                else if (options.CopyVmStorage && !unchanged)
                {
                    files.Add(new ExportFile(source, relative, disk.SizeBytes, disk.Sha256));
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
        var progressGate = new Lock();
        observer.ReportProgress(new HypervisorProgress(0, 0, total, "Exporting"));
        var written = new LabExportManifestFile[files.Count];
        var damaged = new string?[files.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), parallel, async (index, token) =>
        {
            var file = files[index];
            void Progress(long delta)
            {
                // Reports from parallel copies are serialized: observers need not be thread-safe.
                lock (progressGate)
                {
                    done += delta;
                    observer.ReportProgress(new HypervisorProgress(Percent(done, total, 99), done, total, "Copying " + file.Relative));
                }
            }

            using var directory = staging.OpenOrCreateDirectories(DirectoryOf(file.Relative));
            using var destination = directory.CreateFile(FileNameOf(file.Relative));
            if (file.BaseSource is not null)
            {
                var delta = await LabDifferencingDisk.WriteAsync(
                    file.Source, file.BaseSource, destination, file.BaseSha256!, file.ExpectedSha256!, LabDifferencingDisk.DefaultBlockSize, Progress, token);
                LogDifferencingDiskWritten(_logger, file.Relative, delta.ChangedBlocks, delta.TotalBlocks, delta.Bytes);
                written[index] = new LabExportManifestFile { Path = file.Relative, Size = delta.Bytes, Sha256 = delta.Sha256 };
                damaged[index] = Mismatch(file.Relative, file.ExpectedSha256, delta.SourceSha256) ?? Mismatch(file.Relative + " (differential base)", file.BaseSha256, delta.BaseSha256);
                return;
            }

            var copy = await _copier.CopyToAsync(file.Source, destination, computeHash: true, Progress, token);
            LogFileCopied(_logger, file.Relative, copy.Bytes, copy.Path);
            written[index] = new LabExportManifestFile { Path = file.Relative, Size = copy.Bytes, Sha256 = copy.Sha256! };
            damaged[index] = Mismatch(file.Relative, file.ExpectedSha256, copy.Sha256!);
        });

        var mismatches = damaged.OfType<string>().ToList();
        if (mismatches.Count > 0)
        {
            LogExportDigestMismatch(_logger, snapshot.Id, mismatches.Count, string.Join("; ", mismatches));
            throw new HypervisorException(HypervisorErrorKind.Failed, HyperVCodes.MsvmFailed, HyperVCodeFamily.Msvm,
                $"Snapshot '{snapshot.Id}' is damaged on disk: {mismatches.Count} exported file(s) differ from the digests recorded when it was taken: "
                + string.Join("; ", mismatches) + ". Nothing was exported.");
        }

        manifest.Files.AddRange(written);
        foreach (var (relative, config) in configs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            byte[] json = JsonSerializer.SerializeToUtf8Bytes(config, LabJsonContext.Default.LabVmConfiguration);
            using (var directory = staging.OpenOrCreateDirectories(DirectoryOf(relative)))
            {
                WriteNewFile(directory, FileNameOf(relative), json);
            }

            manifest.Files.Add(new LabExportManifestFile { Path = relative, Size = json.Length, Sha256 = Convert.ToHexStringLower(SHA256.HashData(json)) });
        }

        manifest.Files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        manifest.TotalBytes = manifest.Files.Sum(f => f.Size);
        WriteNewFile(staging, LabExportManifest.FileName, JsonSerializer.SerializeToUtf8Bytes(manifest, LabJsonContext.Default.LabExportManifest));
        return (manifest, total);
    }

    /// <summary>A description of the difference, or null when the digest read is the one recorded (or none was recorded).</summary>
    private static string? Mismatch(string relative, string? recorded, string read) =>
        recorded is null || string.Equals(recorded, read, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"{relative} (recorded SHA-256 {recorded}, read {read})";

    private static string DirectoryOf(string relative) => relative.LastIndexOf('/') is var slash and >= 0 ? relative[..slash] : "";

    private static string FileNameOf(string relative) => relative[(relative.LastIndexOf('/') + 1)..];

    private static void WriteNewFile(ConfinedDirectory directory, string name, byte[] content)
    {
        using var handle = directory.CreateFile(name);
        RandomAccess.Write(handle, content, 0);
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
    /// <remarks>
    /// <see cref="ExpectedSha256"/> is the digest recorded when the snapshot was taken (null when none
    /// was recorded); for a differencing disk it is the source disk's, and <see cref="BaseSha256"/> the base's.
    /// </remarks>
    private sealed record ExportFile(
        string Source,
        string Relative,
        long Size,
        string? ExpectedSha256,
        string? BaseSource = null,
        string? BaseSha256 = null);
}
