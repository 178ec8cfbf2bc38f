using HvFleet.Hypervisors.HyperV.Jobs;

namespace HvFleet.Hypervisors.HyperV.Snapshots;

/// <summary>Deletes Hyper-V checkpoints: a snapshot collection, or one VM's checkpoint (DestroySnapshot).</summary>
internal sealed class HyperVSnapshotDeleter
{
    private readonly HyperVHost _host;
    private readonly HyperVJobFollower _jobs;
    private readonly KeyedLocks _locks;

    public HyperVSnapshotDeleter(HyperVHost host, HyperVJobFollower jobs, KeyedLocks locks)
    {
        _host = host;
        _jobs = jobs;
        _locks = locks;
    }

    public async Task<OperationResult> DeleteSnapshotAsync(string snapshotId, IOperationObserver observer, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var progress = new ProgressObserver(observer);

        // Two deletes of one snapshot: the second finds it gone (not found) instead of racing Hyper-V.
        using var snapshotLock = await _locks.AcquireAsync(["snapshot:" + snapshotId], cancellationToken);
        HyperVMethodCall call;
        if (_host.FindCollection(HyperVNames.SnapshotCollection, snapshotId) is { } collection)
        {
            var path = HyperVHost.RequirePath(collection);
            call = _host.Invoke(HyperVNames.CollectionSnapshotService, "DestroySnapshot", HyperVCodeFamily.Cim, $"snapshot collection '{snapshotId}'", input =>
                input["AffectedSnapshotCollection"] = path);
        }
        else if (_host.FindVmSnapshot(snapshotId) is { } snapshot)
        {
            var path = HyperVHost.RequirePath(snapshot);
            call = _host.Invoke(HyperVNames.VirtualSystemSnapshotService, "DestroySnapshot", HyperVCodeFamily.Cim, $"snapshot '{snapshotId}'", input =>
                input["AffectedSnapshot"] = path);
        }
        else
        {
            throw HypervisorException.NotFound($"Snapshot '{snapshotId}' not found.");
        }

        var warnings = new List<string>();
        if (call.StartedJob)
        {
            var job = await _jobs.FollowAsync(HyperVHost.RequireJobPath(call), BackendOperationKind.DeleteSnapshot, new HyperVResumeState { Target = snapshotId }, progress, cancellationToken);
            warnings.AddRange(job.Warnings);
        }

        progress.Complete();
        return new OperationResult([snapshotId], Warnings: warnings);
    }
}
