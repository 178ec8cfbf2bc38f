using HvFleet.Hypervisors;

namespace HvFleet.Benchmarks.Jobs;

/// <summary>
/// A hypervisor that does no work: operations complete at once, or (for the latency runs) hand
/// their observer to the benchmark and wait for it to say "done".
/// </summary>
internal sealed class BenchHypervisor : IHypervisor
{
    private TaskCompletionSource<IOperationObserver> _observer = NewObserverSource();
    private TaskCompletionSource<OperationResult> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When true, operations wait for <see cref="Finish"/>; otherwise they complete at once.</summary>
    public bool Hold { get; set; }

    public Task<IOperationObserver> ObserverAsync => _observer.Task;

    public void Finish()
    {
        _done.TrySetResult(OperationResult.Empty);
        _observer = NewObserverSource();
        _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public Task<HypervisorInfo> GetInfoAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new HypervisorInfo(HypervisorKind.Lab, "bench", []));

    public Task<IReadOnlyList<VirtualMachineInfo>> ListVirtualMachinesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<VirtualMachineInfo>>([]);

    public Task<IReadOnlyList<VmCollectionInfo>> ListCollectionsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<VmCollectionInfo>>([]);

    public Task<IReadOnlyList<SnapshotInfo>> ListSnapshotsAsync(SnapshotFilter filter, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SnapshotInfo>>([]);

    public Task<OperationResult> CreateSnapshotAsync(SnapshotRequest request, IOperationObserver observer, CancellationToken cancellationToken) =>
        RunAsync(observer, cancellationToken);

    public Task<OperationResult> ExportSnapshotAsync(ExportRequest request, IOperationObserver observer, CancellationToken cancellationToken) =>
        RunAsync(observer, cancellationToken);

    public Task<OperationResult> DeleteSnapshotAsync(string snapshotId, IOperationObserver observer, CancellationToken cancellationToken) =>
        RunAsync(observer, cancellationToken);

    public Task<OperationResult?> ResumeAsync(BackendJobReference backendJob, IOperationObserver observer, CancellationToken cancellationToken) =>
        Task.FromResult<OperationResult?>(null);

    private static TaskCompletionSource<IOperationObserver> NewObserverSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Task<OperationResult> RunAsync(IOperationObserver observer, CancellationToken cancellationToken)
    {
        if (!Hold)
        {
            return Task.FromResult(new OperationResult(["snap"]));
        }

        var done = _done.Task;
        _observer.TrySetResult(observer);
        return done.WaitAsync(cancellationToken);
    }
}
