using HvFleet.Hypervisors.HyperV.Jobs;
using HvFleet.Hypervisors.HyperV.Wmi;
using Microsoft.Extensions.Logging;

namespace HvFleet.Hypervisors.HyperV.Snapshots;

/// <summary>
/// Names created checkpoints and records the identity of the job that made them in their Notes
/// (VSMS.ModifySystemSettings), so that a checkpoint can be matched to its job after a crash.
/// </summary>
internal sealed partial class HyperVSnapshotLabeller
{
    private readonly HyperVHost _host;
    private readonly HyperVJobFollower _jobs;
    private readonly ILogger _logger;

    public HyperVSnapshotLabeller(HyperVHost host, HyperVJobFollower jobs, ILogger logger)
    {
        _host = host;
        _jobs = jobs;
        _logger = logger;
    }

    /// <summary>Binds the created VSSD, names it when asked, records the job's identity on it, and returns our snapshot id for it.</summary>
    public async Task<string> LabelVmSnapshotAsync(string? snapshotPath, string vmId, string? name, SnapshotOrigin? origin, List<string> warnings, CancellationToken cancellationToken)
    {
        var snapshot = (snapshotPath is null ? null : _host.Wmi.GetObject(snapshotPath))
            ?? throw new HypervisorException(
                HypervisorErrorKind.Failed,
                HyperVCodes.MsvmStatusUnknown,
                HyperVCodeFamily.Agent,
                $"The checkpoint of VM '{vmId}' completed but the job named no resulting snapshot.");
        await LabelAsync(snapshot, name, origin, warnings, cancellationToken);
        return HyperVHost.SnapshotIdOf(WmiValues.ToText(snapshot["InstanceID"]) ?? string.Empty);
    }

    /// <summary>
    /// A group checkpoint cannot be renamed itself, nor carry notes; its VM checkpoints are named
    /// and carry the job's identity (see ReadSnapshotCollection).
    /// </summary>
    public async Task LabelCollectionSnapshotAsync(string snapshotId, string? name, SnapshotOrigin? origin, List<string> warnings, CancellationToken cancellationToken)
    {
        if ((name is null && origin is null) || _host.FindCollection(HyperVNames.SnapshotCollection, snapshotId) is not { } snapshotCollection)
        {
            return;
        }

        foreach (var member in _host.Wmi.GetRelated(HyperVHost.RequirePath(snapshotCollection), HyperVNames.CollectedSnapshots, HyperVNames.VirtualSystemSettingData, "Collection", "Member"))
        {
            await LabelAsync(member, name, origin, warnings, cancellationToken);
        }
    }

    /// <summary>
    /// Names a checkpoint (ElementName of its VSSD) and records the job's identity in its Notes, in one
    /// VSMS.ModifySystemSettings, as [bareos] and [os-win] rename checkpoints. A host that refuses the
    /// notes still gets the name; the checkpoint then lacks the identity, which the job reports as a warning.
    /// </summary>
    private async Task LabelAsync(IWmiObject snapshot, string? name, SnapshotOrigin? origin, List<string> warnings, CancellationToken cancellationToken)
    {
        if (origin is null)
        {
            if (name is not null)
            {
                await ModifySettingsAsync(snapshot, name, null, cancellationToken);
            }

            return;
        }

        try
        {
            await ModifySettingsAsync(snapshot, name, origin, cancellationToken);
        }
        catch (Exception ex) when (ex is HypervisorException or WmiException)
        {
            var id = HyperVHost.SnapshotIdOf(WmiValues.ToText(snapshot["InstanceID"]) ?? string.Empty);
            LogOriginNotRecorded(_logger, id, ex);
            warnings.Add($"Checkpoint {id} does not carry the job's identity (Hyper-V refused its Notes: {ex.Message}); after a crash it cannot be matched to this job.");
            snapshot.Refresh();
            if (name is not null)
            {
                await ModifySettingsAsync(snapshot, name, null, cancellationToken);
            }
        }
    }

    private async Task ModifySettingsAsync(IWmiObject snapshot, string? name, SnapshotOrigin? origin, CancellationToken cancellationToken)
    {
        if (name is not null)
        {
            snapshot["ElementName"] = name;
        }

        if (origin is not null)
        {
            HyperVOriginNote.Write(snapshot, origin);
        }

        var text = snapshot.GetEmbeddedText();
        var call = _host.Invoke(HyperVNames.VirtualSystemManagementService, "ModifySystemSettings", HyperVCodeFamily.Msvm, name is null ? "labelling checkpoint" : $"renaming checkpoint to '{name}'", input =>
            input["SystemSettings"] = text);
        if (call.StartedJob)
        {
            // A helper job: the caller follows the checkpoint, so its id is not reported for re-attach.
            await _jobs.FollowAsync(HyperVHost.RequireJobPath(call), BackendOperationKind.CreateSnapshot, null, NullObserver.Instance, cancellationToken);
        }
    }
}
