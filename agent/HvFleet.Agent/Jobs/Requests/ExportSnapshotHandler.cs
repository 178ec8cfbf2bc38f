using HvFleet.Agent.Hosting;
using HvFleet.Hypervisors;
using HvFleet.Security.Paths;
using Microsoft.Extensions.Options;

namespace HvFleet.Agent.Jobs.Requests;

/// <summary>
/// An export request: its directory confined to the export roots (once), its fields, then (unless
/// it replays an earlier request) its snapshots and the export volume's free space, then the job.
/// </summary>
internal sealed class ExportSnapshotHandler(JobManager jobs, IHypervisor hypervisor, IOptions<AgentOptions> agentOptions)
{
    public Task<JobStartResult> HandleAsync(ExportRequest request, string? requestId, CancellationToken cancellationToken)
    {
        var path = ExportPathConfinement.Decide(request.ExportDirectory, agentOptions.Value.ExportRoots);
        if (path.Verdict == ExportPathVerdict.Denied)
        {
            return Task.FromResult(JobStartResult.Refused(JobStartOutcome.PathDenied, "export_directory: " + path.Reason));
        }

        var errors = JobRequestValidator.ValidateExportSnapshot(request, requestId, path, out var confined);
        return errors.Count > 0
            ? Task.FromResult(JobStartResult.Invalid(errors))
            : jobs.StartAsync(new ExportSnapshotJobSpec(confined!), requestId, token => CheckAsync(confined!, token), cancellationToken);
    }

    private async Task<JobStartResult?> CheckAsync(ExportRequest request, CancellationToken cancellationToken)
    {
        var snapshots = await hypervisor.ListSnapshotsAsync(SnapshotFilter.All, cancellationToken);
        if (!snapshots.Any(s => s.Id == request.SnapshotId))
        {
            return JobStartResult.Refused(JobStartOutcome.TargetNotFound, $"snapshot_id: snapshot '{request.SnapshotId}' does not exist on this host");
        }

        if (request.Options.DifferentialBackupBase is { } baseId && !snapshots.Any(s => s.Id == baseId))
        {
            return JobStartResult.Refused(JobStartOutcome.TargetNotFound, $"settings.differential_backup_base: snapshot '{baseId}' does not exist on this host");
        }

        if (ExportVolumeSpace.AvailableBytes(request.ExportDirectory) is < ExportVolumeSpace.MinimumFreeBytes and var free)
        {
            return JobStartResult.Refused(JobStartOutcome.NoExportSpace,
                $"export_directory: no space left on the export volume of {request.ExportDirectory} ({free} bytes free)");
        }

        return null;
    }
}
