using System.Security.Cryptography;
using System.Text.Json;
using HvFleet.Hypervisors.Confinement;
using HvFleet.Hypervisors.Lab.State;
using Microsoft.Extensions.Logging;

namespace HvFleet.Hypervisors.Lab.Export;

/// <summary>
/// Writes one export: the Hyper-V layout, the data files copied in parallel and checked against
/// the digests recorded at snapshot time, differencing disks against a base, VM configurations
/// and the <c>hvfleet-export.json</c> manifest.
/// </summary>
internal sealed partial class LabExportWriter
{
    private const string VirtualMachinesFolder = "Virtual Machines";
    private const string VirtualHardDisksFolder = "Virtual Hard Disks";
    private const string SnapshotsFolder = "Snapshots";

    private readonly LabPaths _paths;
    private readonly LabFileCopier _copier;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public LabExportWriter(LabPaths paths, LabFileCopier copier, TimeProvider timeProvider, ILogger logger)
    {
        _paths = paths;
        _copier = copier;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>
    /// Writes the whole export into <paramref name="staging"/>; returns its manifest and the data
    /// bytes copied. Files are copied in parallel, each hashed from the bytes as they are written and
    /// compared with the digest recorded when the snapshot was taken: a checkpoint damaged on disk
    /// fails the export, naming every file that differs, before any manifest is written.
    /// </summary>
    public async Task<(LabExportManifest Manifest, long CopiedBytes)> WriteAsync(
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
        var files = new List<LabExportFile>();
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
                    files.Add(new LabExportFile(source, relative, disk.SizeBytes, disk.Sha256, Path.Combine(LabPaths.MemberDirectory(baseDir!, member.VmId), disk.FileName), baseDisk!.Sha256));
                    manifestVm.DifferencingDisks.Add(disk.FileName);
                }
                else if (options.CopyVmStorage && !unchanged)
                {
                    files.Add(new LabExportFile(source, relative, disk.SizeBytes, disk.Sha256));
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
                files.Add(new LabExportFile(source, layout.File(member, VirtualMachinesFolder, runtimeFile), new FileInfo(source).Length, null));
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
                    observer.ReportProgress(new HypervisorProgress(LabProgress.Percent(done, total, 99), done, total, "Copying " + file.Relative));
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
            LabFileCopier.LogFileCopied(_logger, file.Relative, copy.Bytes, copy.Path);
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
}
