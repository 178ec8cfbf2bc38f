using System.Globalization;
using HvFleet.Hypervisors.Lab.State;
using Microsoft.Extensions.Logging;

namespace HvFleet.Hypervisors.Lab.Snapshots;

/// <summary>Creates lab checkpoints: plans them against the state, freezes the disks under the VMs' locks, hashes the copies and commits.</summary>
internal sealed partial class LabSnapshotCreator
{
    private const int RuntimeStateSizeBytes = 64 * 1024;

    private readonly LabHostStore _store;
    private readonly LabPaths _paths;
    private readonly LabFileCopier _copier;
    private readonly LabDiskLocks _diskLocks;
    private readonly LabFaultInjector _faults;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public LabSnapshotCreator(LabHostStore store, LabPaths paths, LabFileCopier copier, LabDiskLocks diskLocks, LabFaultInjector faults, TimeProvider timeProvider, ILogger logger)
    {
        _store = store;
        _paths = paths;
        _copier = copier;
        _diskLocks = diskLocks;
        _faults = faults;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <inheritdoc cref="IHypervisor.CreateSnapshotAsync"/>
    /// <remarks>
    /// Hyper-V freezes a VM's disks at checkpoint time. The lab does the same: it takes the locks of
    /// every VM involved together (so simulated guest writes cannot interleave), reflinks or copies
    /// each live disk into the snapshot, and releases the locks; only then are the frozen copies
    /// hashed, so guests are held up for the copy alone (for nothing, with reflinks). A group
    /// snapshot therefore holds all of its members' disks as of one moment. Errors use the CIM
    /// family, as Msvm_CollectionSnapshotService.CreateSnapshot does (reference §1.1).
    /// </remarks>
    public async Task<OperationResult> CreateSnapshotAsync(SnapshotRequest request, IOperationObserver observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(observer);
        ValidateSnapshotRequest(request);
        await _store.EnsureInitializedAsync(cancellationToken);

        var plan = await _store.ReadAsync(state => PlanSnapshot(state, request), cancellationToken);
        await _faults.DelayAsync(BackendOperationKind.CreateSnapshot, cancellationToken);

        var staged = new List<(LabSnapshotRecord Record, string Staging)>();
        var committedDirs = new List<string>();
        try
        {
            long bytesTotal = 0;
            long bytesDone = 0;
            long bytesHashed = 0;
            using (await _diskLocks.AcquireAsync(plan.Vms.Select(v => v.Id), cancellationToken))
            {
                // Re-read the VMs under their locks: their state or disks may have changed since planning.
                var vms = await _store.ReadAsync(state => RecheckSnapshotVms(state, plan.Vms.Select(v => v.Id)), cancellationToken);
                bytesTotal = vms.Sum(vm => vm.Disks.Sum(d => d.SizeBytes));
                observer.ReportProgress(new HypervisorProgress(0, 0, bytesTotal, "Creating checkpoint"));
                var createdAt = _timeProvider.GetUtcNow();

                if (plan.Collection is { } collection)
                {
                    var record = NewSnapshotRecord(request, createdAt, SnapshotScope.Collection, collection.Id, GivenName(request) ?? DefaultName(collection.Name, request.Kind, createdAt));
                    string staging = _paths.SnapshotStagingDirectory(record.Id);
                    staged.Add((record, staging));
                    foreach (var vm in vms)
                    {
                        record.Members.Add(await CaptureVmAsync(vm, Guid.NewGuid().ToString("D").ToUpperInvariant(), staging, Progress, cancellationToken));
                    }
                }
                else
                {
                    foreach (var vm in vms)
                    {
                        var record = NewSnapshotRecord(request, createdAt, SnapshotScope.VirtualMachine, null, GivenName(request) ?? DefaultName(vm.Name, request.Kind, createdAt));
                        string staging = _paths.SnapshotStagingDirectory(record.Id);
                        staged.Add((record, staging));
                        record.Members.Add(await CaptureVmAsync(vm, record.Id, staging, Progress, cancellationToken));
                    }
                }
            }

            // The frozen copies never change again: hash them while the guests run on.
            foreach (var (record, staging) in staged)
            {
                foreach (var member in record.Members)
                {
                    foreach (var disk in member.Disks)
                    {
                        string frozen = Path.Combine(LabPaths.MemberDirectory(staging, member.VmId), disk.FileName);
                        disk.Sha256 = await _copier.HashFileAsync(frozen, delta =>
                        {
                            bytesHashed += delta;
                            observer.ReportProgress(new HypervisorProgress(LabProgress.Percent(bytesDone + bytesHashed, 2 * bytesTotal, 99), bytesDone, bytesTotal, "Hashing " + disk.FileName));
                        }, cancellationToken);
                    }
                }
            }

            _faults.ThrowIfInjected(BackendOperationKind.CreateSnapshot);
            cancellationToken.ThrowIfCancellationRequested();

            foreach (var (record, staging) in staged)
            {
                string final = _paths.SnapshotDirectory(record.Id);
                System.IO.Directory.Move(staging, final);
                committedDirs.Add(final);
            }

            await _store.MutateAsync(state => state.Snapshots.AddRange(staged.Select(s => s.Record)), CancellationToken.None);
            observer.ReportProgress(new HypervisorProgress(100, bytesTotal, bytesTotal, "Checkpoint created"));
            await _faults.DelayAfterCommitAsync(BackendOperationKind.CreateSnapshot);
            foreach (var (record, _) in staged)
            {
                LogSnapshotCreated(_logger, record.Id, record.Name, record.Kind, record.Scope, record.Members.Count);
            }

            return new OperationResult(
                staged.Select(s => s.Record.Id).ToArray(),
                Bytes: bytesTotal,
                Files: staged.Sum(s => s.Record.Members.Sum(m => m.Disks.Count + (m.HasRuntimeState ? 1 : 0))));

            void Progress(long delta)
            {
                bytesDone += delta;
                observer.ReportProgress(new HypervisorProgress(LabProgress.Percent(bytesDone, 2 * bytesTotal, 99), bytesDone, bytesTotal, "Capturing disks"));
            }
        }
        catch (Exception ex)
        {
            foreach (var (_, staging) in staged)
            {
                LabSnapshotFolders.DeleteQuietly(staging, _logger);
            }

            foreach (string dir in committedDirs)
            {
                LabSnapshotFolders.DeleteQuietly(dir, _logger);
            }

            LogSnapshotFailed(_logger, DescribeTarget(request.Target), ex);
            throw;
        }
    }

    private static void ValidateSnapshotRequest(SnapshotRequest request)
    {
        if (!Enum.IsDefined(request.Kind))
        {
            throw HypervisorException.InvalidParameter($"SnapshotType {(int)request.Kind} is not valid: use 1 (Standard) or 2 (Recovery).");
        }

        if (!Enum.IsDefined(request.Consistency))
        {
            throw HypervisorException.InvalidParameter($"ConsistencyLevel {(int)request.Consistency} is not valid.");
        }

        if (GivenName(request) is { } name && (name.Length > LabHypervisor.MaxNameLength || name.Any(char.IsControl)))
        {
            throw HypervisorException.InvalidParameter($"Snapshot name must be at most {LabHypervisor.MaxNameLength} printable characters (got {name.Length}).");
        }

        if (!request.Target.IsCollection)
        {
            if (request.Target.VmIds.Count == 0)
            {
                throw HypervisorException.InvalidParameter("No virtual machine was given to checkpoint.");
            }

            var duplicate = request.Target.VmIds.GroupBy(id => id, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw HypervisorException.InvalidParameter($"Virtual machine '{duplicate.Key}' is listed more than once.");
            }
        }
    }

    /// <summary>The requested name; null, empty or blank means "name it as Hyper-V would".</summary>
    private static string? GivenName(SnapshotRequest request) =>
        string.IsNullOrWhiteSpace(request.Name) ? null : request.Name;

    private static SnapshotPlan PlanSnapshot(LabHostState state, SnapshotRequest request)
    {
        if (request.Target.CollectionId is { } collectionId)
        {
            var collection = state.Collections.FirstOrDefault(c => string.Equals(c.Id, collectionId, StringComparison.OrdinalIgnoreCase))
                ?? throw HypervisorException.NotFound($"VM group '{collectionId}' was not found.");
            if (collection.MemberVmIds.Count == 0)
            {
                throw HypervisorException.InvalidState($"VM group '{collection.Name}' ({collection.Id}) has no members to checkpoint.");
            }

            return new SnapshotPlan(collection, RecheckSnapshotVms(state, collection.MemberVmIds));
        }

        return new SnapshotPlan(null, RecheckSnapshotVms(state, request.Target.VmIds));
    }

    private static List<LabVmRecord> RecheckSnapshotVms(LabHostState state, IEnumerable<string> vmIds)
    {
        var vms = new List<LabVmRecord>();
        foreach (string vmId in vmIds)
        {
            var vm = LabHostStore.FindVm(state, vmId) ?? throw HypervisorException.NotFound($"Virtual machine '{vmId}' was not found.");
            if (vm.State is VmState.Busy or VmState.Other)
            {
                throw HypervisorException.InvalidState($"Virtual machine '{vm.Name}' ({vm.Id}) is in state {vm.State} and cannot be checkpointed.");
            }

            vms.Add(vm);
        }

        return vms;
    }

    private static LabSnapshotRecord NewSnapshotRecord(SnapshotRequest request, DateTimeOffset createdAt, SnapshotScope scope, string? collectionId, string name) => new()
    {
        Id = Guid.NewGuid().ToString("D").ToUpperInvariant(),
        Name = name,
        Kind = request.Kind,
        Scope = scope,
        CreatedAt = createdAt,
        CollectionId = collectionId,
        Consistency = request.Consistency,

        // Committed in the same state write as the checkpoint itself: no checkpoint ever lacks the identity of its job.
        OriginJobId = request.Origin?.JobId,
        OriginRequestId = request.Origin?.RequestId,
    };

    /// <summary>Hyper-V names a checkpoint after its VM and the time; recovery checkpoints say so.</summary>
    private static string DefaultName(string owner, SnapshotKind kind, DateTimeOffset at)
    {
        string time = at.ToString("MM/dd/yyyy - HH:mm:ss", CultureInfo.InvariantCulture);
        string name = kind == SnapshotKind.Recovery ? $"{owner} - Recovery checkpoint - ({time})" : $"{owner} - ({time})";
        return name.Length <= LabHypervisor.MaxNameLength ? name : name[..LabHypervisor.MaxNameLength];
    }

    /// <summary>Copies one VM's live disks (caller holds the VM's lock) into <paramref name="snapshotDirectory"/>; hashing comes later.</summary>
    private async Task<LabSnapshotMemberRecord> CaptureVmAsync(LabVmRecord vm, string memberSnapshotId, string snapshotDirectory, Action<long> onBytes, CancellationToken cancellationToken)
    {
        string memberDir = LabPaths.MemberDirectory(snapshotDirectory, vm.Id);
        System.IO.Directory.CreateDirectory(memberDir);
        var member = new LabSnapshotMemberRecord
        {
            SnapshotId = memberSnapshotId,
            VmId = vm.Id,
            VmName = vm.Name,
            StateAtSnapshot = vm.State,
            ProcessorCount = vm.ProcessorCount,
            MemoryMiB = vm.MemoryMiB,
            Generation = vm.Generation,
        };

        foreach (var disk in vm.Disks)
        {
            var copy = await _copier.CopyAsync(_paths.VmDisk(vm.Id, disk.FileName), Path.Combine(memberDir, disk.FileName), computeHash: false, onBytes, cancellationToken);
            LabFileCopier.LogFileCopied(_logger, disk.FileName, copy.Bytes, copy.Path);
            member.Disks.Add(new LabDiskRecord { FileName = disk.FileName, Controller = disk.Controller, SizeBytes = copy.Bytes });
        }

        // A running VM's checkpoint carries its memory (saved state); the lab writes a stand-in.
        if (vm.State == VmState.Running)
        {
            byte[] runtime = new byte[RuntimeStateSizeBytes];
            Random.Shared.NextBytes(runtime);
            await File.WriteAllBytesAsync(Path.Combine(memberDir, LabPaths.RuntimeStateFileName(vm.Id)), runtime, cancellationToken);
            member.HasRuntimeState = true;
        }

        return member;
    }

    private static string DescribeTarget(SnapshotTarget target) =>
        target.CollectionId is { } id ? "group " + id : "VMs " + string.Join(", ", target.VmIds);

    private sealed record SnapshotPlan(LabCollectionRecord? Collection, List<LabVmRecord> Vms);
}
