using HvFleet.Hypervisors;

namespace HvFleet.Agent.Jobs.Requests;

/// <summary>
/// A checkpoint request: its fields, then (unless it replays an earlier request) its target
/// against the host's cached inventory, then the job.
/// </summary>
internal sealed class CreateSnapshotHandler(JobManager jobs, HostInventoryCache inventory)
{
    public Task<JobStartResult> HandleAsync(SnapshotRequest request, string? requestId, CancellationToken cancellationToken)
    {
        var errors = JobRequestValidator.ValidateCreateSnapshot(request, requestId);
        return errors.Count > 0
            ? Task.FromResult(JobStartResult.Invalid(errors))
            : jobs.StartAsync(new CreateSnapshotJobSpec(request), requestId, token => CheckTargetAsync(request.Target, token), cancellationToken);
    }

    private async Task<JobStartResult?> CheckTargetAsync(SnapshotTarget target, CancellationToken cancellationToken)
    {
        var host = await inventory.GetAsync(cancellationToken);
        IReadOnlyList<string> members;
        if (target.CollectionId is { } collectionId)
        {
            if (host.FindCollection(collectionId) is not { } collection)
            {
                return JobStartResult.Refused(JobStartOutcome.TargetNotFound, $"collection_id: VM group '{collectionId}' does not exist on this host");
            }

            if (collection.MemberVmIds.Count == 0)
            {
                return JobStartResult.NotReady(HyperVCodes.InvalidState, HyperVCodeFamily.Cim, $"collection_id: VM group '{collection.Name}' has no member VMs to checkpoint");
            }

            members = collection.MemberVmIds;
        }
        else
        {
            for (var i = 0; i < target.VmIds.Count; i++)
            {
                if (!host.TryGetVm(target.VmIds[i], out _))
                {
                    return JobStartResult.Refused(JobStartOutcome.TargetNotFound, $"vms.vm_ids[{i}]: VM '{target.VmIds[i]}' does not exist on this host");
                }
            }

            members = target.VmIds;
        }

        foreach (var id in members)
        {
            if (host.TryGetVm(id, out var vm) && vm.State == VmState.Busy)
            {
                return JobStartResult.NotReady(HyperVCodes.InvalidState, HyperVCodeFamily.Cim, $"VM '{vm.Name}' ({vm.Id}) is busy (being deleted or changed) and cannot be checkpointed now");
            }
        }

        return null;
    }
}
