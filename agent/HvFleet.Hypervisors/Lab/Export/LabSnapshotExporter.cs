using HvFleet.Hypervisors.Confinement;
using HvFleet.Hypervisors.Lab.Snapshots;
using HvFleet.Hypervisors.Lab.State;
using Microsoft.Extensions.Logging;

namespace HvFleet.Hypervisors.Lab.Export;

/// <summary>
/// Exports lab checkpoints: checks the request, marks the snapshot (and differential base) in
/// use, writes through <see cref="LabExportWriter"/> into a confined staging folder and commits it.
/// </summary>
internal sealed partial class LabSnapshotExporter
{
    private readonly LabHostStore _store;
    private readonly LabSnapshotUses _uses;
    private readonly LabFaultInjector _faults;
    private readonly LabExportWriter _writer;
    private readonly ILogger _logger;

    public LabSnapshotExporter(LabHostStore store, LabSnapshotUses uses, LabFaultInjector faults, LabExportWriter writer, ILogger logger)
    {
        _store = store;
        _uses = uses;
        _faults = faults;
        _writer = writer;
        _logger = logger;
    }

    /// <inheritdoc cref="IHypervisor.ExportSnapshotAsync"/>
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
        await _store.EnsureInitializedAsync(cancellationToken);

        // Find the snapshot (and base) and mark them in use in one step under the state lock, so a
        // concurrent delete either happens before (not found) or is refused (in use).
        var (snapshot, baseSnapshot, hostName, uses) = await _store.ReadAsync(state => PrepareExport(state, request), cancellationToken);
        ConfinedExport? export = null;
        try
        {
            // Opened again from the export root, component by component, never through a link:
            // the folders may have changed since the agent checked the request.
            export = ConfinedExport.Prepare(request.ExportRoot, target, request.Overwrite, HyperVCodeFamily.Msvm);

            await _faults.DelayAsync(BackendOperationKind.ExportSnapshot, cancellationToken);
            var (manifest, copiedBytes) = await _writer.WriteAsync(snapshot, baseSnapshot, request.Options, export.Staging, hostName, observer, cancellationToken);

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
        var snapshot = LabHostStore.FindSnapshot(state, request.SnapshotId)
            ?? throw HypervisorException.NotFound($"Snapshot '{request.SnapshotId}' was not found.");
        foreach (var member in snapshot.Members)
        {
            if (LabHostStore.FindVm(state, member.VmId) is { State: VmState.Busy or VmState.Other } vm)
            {
                throw HypervisorException.InvalidState($"Virtual machine '{vm.Name}' ({vm.Id}) is in state {vm.State}; its snapshot cannot be exported now.", HyperVCodeFamily.Msvm);
            }
        }

        LabSnapshotRecord? baseSnapshot = null;
        if (request.Options.DifferentialBackupBase is { Length: > 0 } baseId)
        {
            baseSnapshot = LabHostStore.FindSnapshot(state, baseId)
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
}
