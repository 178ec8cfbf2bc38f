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
            var job = await _jobs.FollowAsync(RequireJobPath(call), BackendOperationKind.DeleteSnapshot, new HyperVResumeState { Target = snapshotId }, progress, cancellationToken);
            warnings.AddRange(job.Warnings);
        }

        progress.Complete();
        return new OperationResult([snapshotId], Warnings: warnings);
    });

    public Task<OperationResult?> ResumeAsync(BackendJobReference backendJob, IOperationObserver observer, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        cancellationToken.ThrowIfCancellationRequested();
        var state = HyperVResumeState.Parse(backendJob.TargetId);
        var job = _jobs.Find(backendJob.JobId);
        if (job is null)
        {
            LogResumeJobGone(_logger, backendJob.JobId);
            if (state.Staging is not null && state.ExportDirectory is not null)
            {
                // The export's outcome is unknown: remove its staging folder rather than leave half an export.
                ExportTarget.Resume(state.Staging, state.ExportDirectory).Rollback();
            }

            return null;
        }

        LogResumed(_logger, backendJob.JobId, backendJob.Operation);
        var progress = new ProgressObserver(observer);
        var result = backendJob.Operation switch
        {
            BackendOperationKind.CreateSnapshot => await ResumeSnapshotAsync(job, backendJob.JobId, state, progress, cancellationToken),
            BackendOperationKind.ExportSnapshot => await ResumeExportAsync(job, backendJob.JobId, state, progress, cancellationToken),
            _ => await ResumeSimpleAsync(job, backendJob.JobId, state, progress, cancellationToken),
        };
        progress.Complete(result.Bytes);
        return (OperationResult?)result;
    });

    /// <summary>Finishes a checkpoint: the interrupted job, its name, and the VMs after it.</summary>
    private async Task<OperationResult> ResumeSnapshotAsync(IWmiObject job, string instanceId, HyperVResumeState state, ProgressObserver progress, CancellationToken cancellationToken)
    {
        if (state.Steps is { Count: > 0 } vmIds)
        {
            progress.Step(state.Step, vmIds.Count);
        }

        var completion = await _jobs.FollowBoundAsync(job, instanceId, progress, cancellationToken);
        var warnings = new List<string>(completion.Warnings);
        if (state.Steps is null)
        {
            var created = CreatedSnapshotIds(completion.JobPath);
            foreach (var id in created)
            {
                await LabelCollectionSnapshotAsync(id, state.Name, state.Origin, warnings, cancellationToken);
            }

            return new OperationResult(created, Warnings: warnings);
        }

        var done = new List<string>(state.Done ?? []) { await LabelVmSnapshotAsync(CreatedVmSnapshotPath(completion.JobPath), state.Target, state.Name, state.Origin, warnings, cancellationToken) };
        return await SnapshotVmsFromAsync(state, state.Step + 1, done, warnings, progress, cancellationToken);
    }

    /// <summary>Finishes an export: the interrupted job, the member exports after it, and the move into place.</summary>
    private async Task<OperationResult> ResumeExportAsync(IWmiObject job, string instanceId, HyperVResumeState state, ProgressObserver progress, CancellationToken cancellationToken)
    {
        if (state.ExportDirectory is null)
        {
            return await ResumeSimpleAsync(job, instanceId, state, progress, cancellationToken);
        }

        var target = ExportTarget.Resume(state.Staging, state.ExportDirectory);
        try
        {
            if (state.Steps is { Count: > 0 } members)
            {
                progress.Step(state.Step, members.Count);
            }

            var completion = await _jobs.FollowBoundAsync(job, instanceId, progress, cancellationToken);
            var warnings = new List<string>(completion.Warnings);
            if (state.Steps is not null)
            {
                await ExportMembersFromAsync(state, state.Step + 1, target.WorkingDirectory, warnings, progress, cancellationToken);
            }

            return FinishExport(target, state, warnings, progress);
        }
        catch
        {
            target.Rollback();
            throw;
        }
    }

    private async Task<OperationResult> ResumeSimpleAsync(IWmiObject job, string instanceId, HyperVResumeState state, ProgressObserver progress, CancellationToken cancellationToken)
    {
        var completion = await _jobs.FollowBoundAsync(job, instanceId, progress, cancellationToken);
        return new OperationResult(state.Target.Length > 0 ? [state.Target] : [], Warnings: completion.Warnings);
    }

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
