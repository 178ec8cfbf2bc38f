using HvFleet.Hypervisors;

namespace HvFleet.Agent.Jobs.Requests;

/// <summary>A snapshot removal: its fields, then (unless it replays an earlier request) the snapshot's existence, then the job.</summary>
internal sealed class DeleteSnapshotHandler(JobManager jobs, IHypervisor hypervisor)
{
    public Task<JobStartResult> HandleAsync(string snapshotId, string? requestId, CancellationToken cancellationToken)
    {
        var errors = JobRequestValidator.ValidateDeleteSnapshot(snapshotId, requestId);
        return errors.Count > 0
            ? Task.FromResult(JobStartResult.Invalid(errors))
            : jobs.StartAsync(new DeleteSnapshotJobSpec(snapshotId), requestId, token => CheckAsync(snapshotId, token), cancellationToken);
    }

    private async Task<JobStartResult?> CheckAsync(string snapshotId, CancellationToken cancellationToken)
    {
        var snapshots = await hypervisor.ListSnapshotsAsync(SnapshotFilter.All, cancellationToken);
        return snapshots.Any(s => s.Id == snapshotId)
            ? null
            : JobStartResult.Refused(JobStartOutcome.TargetNotFound, $"snapshot_id: snapshot '{snapshotId}' does not exist on this host");
    }
}
