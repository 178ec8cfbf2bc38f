using HvFleet.Hypervisors.HyperV.Wmi;
using Microsoft.Extensions.Logging;

namespace HvFleet.Hypervisors.HyperV;

internal sealed partial class HyperVHypervisor
{
    public Task<OperationResult> DeleteSnapshotAsync(string snapshotId, IOperationObserver observer, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        cancellationToken.ThrowIfCancellationRequested();
        var progress = new ProgressObserver(observer);

        // Two deletes of one snapshot: the second finds it gone (not found) instead of racing Hyper-V.
        using var snapshotLock = await _locks.AcquireAsync(["snapshot:" + snapshotId], cancellationToken);
        MethodCall call;
        if (FindCollection(HyperVNames.SnapshotCollection, snapshotId) is { } collection)
        {
            var path = RequirePath(collection);
            call = Invoke(HyperVNames.CollectionSnapshotService, "DestroySnapshot", HyperVCodeFamily.Cim, $"snapshot collection '{snapshotId}'", input =>
                input["AffectedSnapshotCollection"] = path);
        }
        else if (FindVmSnapshot(snapshotId) is { } snapshot)
        {
            var path = RequirePath(snapshot);
            call = Invoke(HyperVNames.VirtualSystemSnapshotService, "DestroySnapshot", HyperVCodeFamily.Cim, $"snapshot '{snapshotId}'", input =>
                input["AffectedSnapshot"] = path);
        }
        else
        {
            throw HypervisorException.NotFound($"Snapshot '{snapshotId}' not found.");
        }

        var warnings = new List<string>();
        if (call.StartedJob)
        {
            var job = await _jobs.FollowAsync(RequireJobPath(call), BackendOperationKind.DeleteSnapshot, snapshotId, progress, cancellationToken);
            warnings.AddRange(job.Warnings);
        }

        progress.Complete();
        return new OperationResult([snapshotId], Warnings: warnings);
    });

    public Task<OperationResult?> ResumeAsync(BackendJobReference backendJob, IOperationObserver observer, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        cancellationToken.ThrowIfCancellationRequested();
        var job = _jobs.Find(backendJob.JobId);
        if (job is null)
        {
            LogResumeJobGone(_logger, backendJob.JobId);
            return null;
        }

        LogResumed(_logger, backendJob.JobId, backendJob.Operation);
        var progress = new ProgressObserver(observer);
        var completion = await _jobs.FollowBoundAsync(job, backendJob.JobId, progress, cancellationToken);
        progress.Complete();
        var ids = backendJob.Operation switch
        {
            BackendOperationKind.CreateSnapshot => CreatedSnapshotIds(completion.JobPath),
            _ => backendJob.TargetId is null ? [] : [backendJob.TargetId],
        };
        return (OperationResult?)new OperationResult(ids, Warnings: completion.Warnings);
    });

    /// <summary>What a finished checkpoint job created, from its Msvm_AffectedJobElement associators.</summary>
    private List<string> CreatedSnapshotIds(string jobPath)
    {
        var collections = Connection.GetRelated(jobPath, HyperVNames.AffectedJobElement, HyperVNames.SnapshotCollection, "AffectingElement", "AffectedElement")
            .Select(c => WmiValues.ToText(c["CollectionID"]) ?? string.Empty)
            .ToList();
        if (collections.Count > 0)
        {
            return collections;
        }

        return [.. Connection.GetRelated(jobPath, HyperVNames.AffectedJobElement, HyperVNames.VirtualSystemSettingData, "AffectingElement", "AffectedElement")
            .Where(IsSnapshotSettings)
            .Select(s => SnapshotIdOf(WmiValues.ToText(s["InstanceID"]) ?? string.Empty))];
    }

    [LoggerMessage(EventId = 4111, EventName = "HyperVJobResumed", Level = LogLevel.Information, Message = "Re-attached to Hyper-V job {InstanceId} ({Operation})")]
    private static partial void LogResumed(ILogger logger, string instanceId, BackendOperationKind operation);

    [LoggerMessage(EventId = 4112, EventName = "HyperVResumeJobGone", Level = LogLevel.Warning, Message = "Hyper-V job {InstanceId} no longer exists; it cannot be re-attached")]
    private static partial void LogResumeJobGone(ILogger logger, string instanceId);
}
