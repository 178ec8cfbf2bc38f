using System.Diagnostics;
using System.Globalization;
using HvFleet.Hypervisors;

namespace HvFleet.Benchmarks.Agent;

/// <summary>
/// A backend that stamps each progress report with <see cref="Stopwatch.GetTimestamp"/> in its
/// status text, so the client can measure backend-to-client latency; or holds a job open.
/// </summary>
internal sealed class ProbeHypervisor(int reports, TimeSpan interval, TaskCompletionSource? hold) : IHypervisor
{
    public const string CollectionId = "probe-group";
    private const string VmId = "00000000-0000-0000-0000-000000000001";

    public Task<HypervisorInfo> GetInfoAsync(CancellationToken cancellationToken) => Task.FromResult(new HypervisorInfo(HypervisorKind.Lab, "probe", []));

    public Task<IReadOnlyList<VirtualMachineInfo>> ListVirtualMachinesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<VirtualMachineInfo>>([new VirtualMachineInfo(VmId, "probe-vm", VmState.Running, [CollectionId], 2)]);

    public Task<IReadOnlyList<VmCollectionInfo>> ListCollectionsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<VmCollectionInfo>>([new VmCollectionInfo(CollectionId, "probe", CollectionKind.VmCollection, [VmId])]);

    public Task<IReadOnlyList<SnapshotInfo>> ListSnapshotsAsync(SnapshotFilter filter, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SnapshotInfo>>([]);

    public async Task<OperationResult> CreateSnapshotAsync(SnapshotRequest request, IOperationObserver observer, CancellationToken cancellationToken)
    {
        if (hold is not null)
        {
            await hold.Task.WaitAsync(cancellationToken);
        }

        for (var i = 1; i <= reports; i++)
        {
            await Task.Delay(interval, cancellationToken);
            observer.ReportProgress(new HypervisorProgress(i * 100 / reports, i, reports, Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture)));
        }

        return new OperationResult([Guid.NewGuid().ToString()]);
    }

    public Task<OperationResult> ExportSnapshotAsync(ExportRequest request, IOperationObserver observer, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<OperationResult> DeleteSnapshotAsync(string snapshotId, IOperationObserver observer, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<OperationResult?> ResumeAsync(BackendJobReference backendJob, IOperationObserver observer, CancellationToken cancellationToken) =>
        Task.FromResult<OperationResult?>(null);
}
