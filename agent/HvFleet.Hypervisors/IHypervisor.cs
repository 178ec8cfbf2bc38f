namespace HvFleet.Hypervisors;

/// <summary>
/// The seam between the agent and a host's hypervisor (Hyper-V over WMI, or the lab).
/// Long operations report progress through an <see cref="IOperationObserver"/> and honour
/// cancellation. Failures carry Hyper-V's numeric codes in a <see cref="HypervisorException"/>.
/// </summary>
public interface IHypervisor
{
    /// <summary>Which backend this is, its version and capabilities.</summary>
    Task<HypervisorInfo> GetInfoAsync(CancellationToken cancellationToken);

    /// <summary>Virtual machines on the host (the host itself excluded).</summary>
    Task<IReadOnlyList<VirtualMachineInfo>> ListVirtualMachinesAsync(CancellationToken cancellationToken);

    /// <summary>VM groups (Hyper-V VM collections) with their members.</summary>
    Task<IReadOnlyList<VmCollectionInfo>> ListCollectionsAsync(CancellationToken cancellationToken);

    /// <summary>Snapshot collections and per-VM snapshots, optionally filtered.</summary>
    Task<IReadOnlyList<SnapshotInfo>> ListSnapshotsAsync(SnapshotFilter filter, CancellationToken cancellationToken);

    /// <summary>
    /// Checkpoints carrying an identity that <paramref name="origin"/> matches (same job id or same
    /// request id, see <see cref="SnapshotOrigin.Matches"/>), oldest first. Backends that keep the
    /// origin in <see cref="SnapshotInfo.Origin"/> need not override this.
    /// </summary>
    async Task<IReadOnlyList<SnapshotInfo>> FindSnapshotsByOriginAsync(SnapshotOrigin origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var all = await ListSnapshotsAsync(SnapshotFilter.All, cancellationToken);
        return [.. all.Where(s => origin.Matches(s.Origin))];
    }

    /// <summary>Checkpoints a VM group (one snapshot collection) or chosen VMs (one snapshot each).</summary>
    Task<OperationResult> CreateSnapshotAsync(SnapshotRequest request, IOperationObserver observer, CancellationToken cancellationToken);

    /// <summary>Exports a snapshot (collection or VM) to a directory; nothing is left behind on failure or cancel.</summary>
    Task<OperationResult> ExportSnapshotAsync(ExportRequest request, IOperationObserver observer, CancellationToken cancellationToken);

    /// <summary>Deletes a snapshot (collection or VM).</summary>
    Task<OperationResult> DeleteSnapshotAsync(string snapshotId, IOperationObserver observer, CancellationToken cancellationToken);

    /// <summary>
    /// Re-attaches to a backend job recorded through <see cref="IOperationObserver.ReportBackendJob"/>
    /// before an agent restart, and follows it to completion. Returns null when the backend no
    /// longer knows the job (or never keeps jobs across restarts, as the lab does).
    /// </summary>
    Task<OperationResult?> ResumeAsync(BackendJobReference backendJob, IOperationObserver observer, CancellationToken cancellationToken);
}
