using HvFleet.Hypervisors.Lab.State;
using Microsoft.Extensions.Logging;

namespace HvFleet.Hypervisors.Lab.Snapshots;

/// <summary>Deletes lab checkpoints, so that a crash at any point leaves the snapshot either whole or gone.</summary>
internal sealed partial class LabSnapshotDeleter
{
    private readonly LabHostStore _store;
    private readonly LabPaths _paths;
    private readonly LabSnapshotUses _uses;
    private readonly LabFaultInjector _faults;
    private readonly ILogger _logger;

    public LabSnapshotDeleter(LabHostStore store, LabPaths paths, LabSnapshotUses uses, LabFaultInjector faults, ILogger logger)
    {
        _store = store;
        _paths = paths;
        _uses = uses;
        _faults = faults;
        _logger = logger;
    }

    /// <inheritdoc cref="IHypervisor.DeleteSnapshotAsync"/>
    /// <remarks>
    /// A snapshot being exported, or serving as the differential base of a running export, is in
    /// use (32774). Under the state lock the snapshot's folder is first renamed to its
    /// <c>.&lt;id&gt;.deleting</c> name, then the state file forgets the snapshot, then the folder
    /// goes. A crash before the state is saved is rolled back at the next start (the folder is put
    /// back), one after it finishes the delete: only the <c>.deleting</c> name is ever removed
    /// there, never a folder because the state does not mention it. Hyper-V merges a checkpoint's
    /// differencing disks on delete; lab snapshots are full copies, so there is nothing to merge.
    /// </remarks>
    public async Task<OperationResult> DeleteSnapshotAsync(string snapshotId, IOperationObserver observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(observer);
        if (string.IsNullOrWhiteSpace(snapshotId))
        {
            throw HypervisorException.InvalidParameter("Snapshot id is required.");
        }

        await _store.EnsureInitializedAsync(cancellationToken);
        await _store.ReadAsync(state => CheckDeletable(state, snapshotId), cancellationToken);
        await _faults.DelayAsync(BackendOperationKind.DeleteSnapshot, cancellationToken);
        observer.ReportProgress(new HypervisorProgress(0, 0, 0, "Deleting checkpoint"));

        LabSnapshotRecord removed;
        string? moved = null;
        string? original = null;
        try
        {
            removed = await _store.MutateAsync(state =>
            {
                // Checked again under the lock that exports take their uses under.
                var snapshot = CheckDeletable(state, snapshotId);
                _faults.ThrowIfInjected(BackendOperationKind.DeleteSnapshot);
                if (System.IO.Directory.Exists(_paths.SnapshotDirectory(snapshot.Id)))
                {
                    original = _paths.SnapshotDirectory(snapshot.Id);
                    moved = _paths.SnapshotDeletingDirectory(snapshot.Id);
                    System.IO.Directory.Move(original, moved);
                }

                state.Snapshots.Remove(snapshot);
                return snapshot;
            }, cancellationToken);
        }
        catch (Exception ex)
        {
            // The state still lists the snapshot: its folder must be where the state says.
            if (moved is not null && original is not null && System.IO.Directory.Exists(moved))
            {
                System.IO.Directory.Move(moved, original);
            }

            if (ex is not OperationCanceledException)
            {
                LogDeleteFailed(_logger, snapshotId, ex);
            }

            throw;
        }

        LabSnapshotFolders.DeleteQuietly(moved ?? _paths.SnapshotDirectory(removed.Id), _logger);
        long bytes = removed.Members.Sum(m => m.Disks.Sum(d => d.SizeBytes));
        observer.ReportProgress(new HypervisorProgress(100, bytes, bytes, "Checkpoint deleted"));
        LogSnapshotDeleted(_logger, removed.Id, removed.Name);
        return new OperationResult([removed.Id], Bytes: bytes, Files: removed.Members.Sum(m => m.Disks.Count));
    }

    private LabSnapshotRecord CheckDeletable(LabHostState state, string snapshotId)
    {
        var snapshot = LabHostStore.FindSnapshot(state, snapshotId)
            ?? throw HypervisorException.NotFound($"Snapshot '{snapshotId}' was not found.");
        if (_uses.IsInUse(snapshot.Id))
        {
            throw HypervisorException.InUse($"Snapshot '{snapshot.Name}' ({snapshot.Id}) is in use by a running export and cannot be deleted now.");
        }

        foreach (var member in snapshot.Members)
        {
            if (LabHostStore.FindVm(state, member.VmId) is { State: VmState.Busy or VmState.Other } vm)
            {
                throw HypervisorException.InvalidState($"Virtual machine '{vm.Name}' ({vm.Id}) is in state {vm.State}; its checkpoint cannot be deleted now.");
            }
        }

        return snapshot;
    }
}
