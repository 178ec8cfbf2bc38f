using HvFleet.Hypervisors.HyperV.Export;
using HvFleet.Hypervisors.HyperV.Snapshots;
using HvFleet.Hypervisors.HyperV.Wmi;
using Microsoft.Extensions.Logging;

namespace HvFleet.Hypervisors.HyperV.Jobs;

/// <summary>
/// Re-attaches to a Hyper-V job recorded before an agent restart (<see cref="HyperVResumeState"/>
/// says what it was doing) and hands it to the part that finishes that kind of operation.
/// </summary>
internal sealed partial class HyperVJobResumer
{
    private readonly HyperVJobFollower _jobs;
    private readonly HyperVSnapshotCreator _snapshots;
    private readonly HyperVSnapshotExporter _exports;
    private readonly ILogger _logger;

    public HyperVJobResumer(HyperVJobFollower jobs, HyperVSnapshotCreator snapshots, HyperVSnapshotExporter exports, ILogger logger)
    {
        _jobs = jobs;
        _snapshots = snapshots;
        _exports = exports;
        _logger = logger;
    }

    public async Task<OperationResult?> ResumeAsync(BackendJobReference backendJob, IOperationObserver observer, CancellationToken cancellationToken)
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
            BackendOperationKind.CreateSnapshot => await _snapshots.ResumeAsync(job, backendJob.JobId, state, progress, cancellationToken),
            BackendOperationKind.ExportSnapshot when state.ExportDirectory is not null => await _exports.ResumeAsync(job, backendJob.JobId, state, progress, cancellationToken),
            _ => await ResumeSimpleAsync(_jobs, job, backendJob.JobId, state, progress, cancellationToken),
        };
        progress.Complete(result.Bytes);
        return (OperationResult?)result;
    }

    /// <summary>Finishes a single-job operation: follow the job, report its target.</summary>
    private static async Task<OperationResult> ResumeSimpleAsync(HyperVJobFollower jobs, IWmiObject job, string instanceId, HyperVResumeState state, ProgressObserver progress, CancellationToken cancellationToken)
    {
        var completion = await jobs.FollowBoundAsync(job, instanceId, progress, cancellationToken);
        return new OperationResult(state.Target.Length > 0 ? [state.Target] : [], Warnings: completion.Warnings);
    }
}
