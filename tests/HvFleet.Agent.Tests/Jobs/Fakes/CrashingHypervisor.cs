using HvFleet.Hypervisors;

namespace HvFleet.Agent.Tests.Jobs.Fakes;

/// <summary>
/// Wraps a real backend and "kills the agent" at one point of a checkpoint: before the backend is
/// called, or once the backend has taken it and before the agent hears back. From then on the call
/// never returns, as if the process had died; the test then starts a new engine on the same host.
/// </summary>
internal sealed class CrashingHypervisor(IHypervisor inner, CrashPoint point) : IHypervisor
{
    private readonly TaskCompletionSource _never = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set when the crash point was reached.</summary>
    public TaskCompletionSource Crashed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<HypervisorInfo> GetInfoAsync(CancellationToken cancellationToken) => inner.GetInfoAsync(cancellationToken);

    public Task<IReadOnlyList<VirtualMachineInfo>> ListVirtualMachinesAsync(CancellationToken cancellationToken) => inner.ListVirtualMachinesAsync(cancellationToken);

    public Task<IReadOnlyList<VmCollectionInfo>> ListCollectionsAsync(CancellationToken cancellationToken) => inner.ListCollectionsAsync(cancellationToken);

    public Task<IReadOnlyList<SnapshotInfo>> ListSnapshotsAsync(SnapshotFilter filter, CancellationToken cancellationToken) => inner.ListSnapshotsAsync(filter, cancellationToken);

    public async Task<OperationResult> CreateSnapshotAsync(SnapshotRequest request, IOperationObserver observer, CancellationToken cancellationToken)
    {
        if (point == CrashPoint.AfterBackend)
        {
            await inner.CreateSnapshotAsync(request, observer, cancellationToken);
        }

        Crashed.TrySetResult();
        await _never.Task;
        throw new InvalidOperationException("A crashed agent never continues.");
    }

    public Task<OperationResult> ExportSnapshotAsync(ExportRequest request, IOperationObserver observer, CancellationToken cancellationToken) =>
        inner.ExportSnapshotAsync(request, observer, cancellationToken);

    public Task<OperationResult> DeleteSnapshotAsync(string snapshotId, IOperationObserver observer, CancellationToken cancellationToken) =>
        inner.DeleteSnapshotAsync(snapshotId, observer, cancellationToken);

    public Task<OperationResult?> ResumeAsync(BackendJobReference backendJob, IOperationObserver observer, CancellationToken cancellationToken) =>
        inner.ResumeAsync(backendJob, observer, cancellationToken);
}
