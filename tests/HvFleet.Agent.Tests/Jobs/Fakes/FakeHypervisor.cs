using System.Threading.Channels;
using HvFleet.Hypervisors;

namespace HvFleet.Agent.Tests.Jobs.Fakes;

/// <summary>
/// A controllable <see cref="IHypervisor"/>: every operation becomes a <see cref="FakeCall"/>
/// that the test awaits, drives (progress, backend job) and ends (result, failure).
/// </summary>
internal sealed class FakeHypervisor : IHypervisor
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);
    private readonly Channel<FakeCall> _calls = Channel.CreateUnbounded<FakeCall>();
    private int _callCount;
    private int _vmListings;

    /// <summary>When false the fake ignores its token (a backend that does not stop).</summary>
    public bool HonourCancellation { get; set; } = true;

    /// <summary>When set, each call ends at once with this result (no gate).</summary>
    public Func<FakeCall, OperationResult>? AutoComplete { get; set; }

    /// <summary>What <see cref="ResumeAsync"/> does; null result by default (the lab's behaviour).</summary>
    public Func<FakeCall, Task<OperationResult?>>? OnResume { get; set; }

    public int CallCount => Volatile.Read(ref _callCount);

    /// <summary>What <see cref="ListVirtualMachinesAsync"/> answers; empty by default.</summary>
    public List<VirtualMachineInfo> VirtualMachines { get; } = [];

    /// <summary>What <see cref="ListCollectionsAsync"/> answers; empty by default.</summary>
    public List<VmCollectionInfo> Collections { get; } = [];

    /// <summary>How often the host's VMs were listed.</summary>
    public int VmListings => Volatile.Read(ref _vmListings);

    /// <summary>What <see cref="ListSnapshotsAsync"/> answers (the host's checkpoints); empty by default.</summary>
    public List<SnapshotInfo> Snapshots { get; } = [];

    /// <summary>The next call made, in order.</summary>
    public async Task<FakeCall> NextCallAsync() => await _calls.Reader.ReadAsync().AsTask().WaitAsync(WaitLimit);

    /// <summary>The next <paramref name="count"/> calls, in whatever order concurrent jobs made them.</summary>
    public async Task<IReadOnlyList<FakeCall>> NextCallsAsync(int count)
    {
        var calls = new List<FakeCall>();
        for (var i = 0; i < count; i++)
        {
            calls.Add(await NextCallAsync());
        }

        return calls;
    }

    /// <summary>True when a call is waiting to be taken with <see cref="NextCallAsync"/>.</summary>
    public bool HasPendingCall => _calls.Reader.TryPeek(out _);

    public Task<HypervisorInfo> GetInfoAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new HypervisorInfo(HypervisorKind.Lab, "fake", []));

    public Task<IReadOnlyList<VirtualMachineInfo>> ListVirtualMachinesAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _vmListings);
        return Task.FromResult<IReadOnlyList<VirtualMachineInfo>>([.. VirtualMachines]);
    }

    public Task<IReadOnlyList<VmCollectionInfo>> ListCollectionsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<VmCollectionInfo>>([.. Collections]);

    public Task<IReadOnlyList<SnapshotInfo>> ListSnapshotsAsync(SnapshotFilter filter, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SnapshotInfo>>([.. Snapshots]);

    public async Task<OperationResult> CreateSnapshotAsync(SnapshotRequest request, IOperationObserver observer, CancellationToken cancellationToken) =>
        (await RunAsync(BackendOperationKind.CreateSnapshot, request, observer, cancellationToken))!;

    public async Task<OperationResult> ExportSnapshotAsync(ExportRequest request, IOperationObserver observer, CancellationToken cancellationToken) =>
        (await RunAsync(BackendOperationKind.ExportSnapshot, request, observer, cancellationToken))!;

    public async Task<OperationResult> DeleteSnapshotAsync(string snapshotId, IOperationObserver observer, CancellationToken cancellationToken) =>
        (await RunAsync(BackendOperationKind.DeleteSnapshot, snapshotId, observer, cancellationToken))!;

    public async Task<OperationResult?> ResumeAsync(BackendJobReference backendJob, IOperationObserver observer, CancellationToken cancellationToken)
    {
        var call = new FakeCall(backendJob.Operation, backendJob, observer, cancellationToken);
        Interlocked.Increment(ref _callCount);
        await _calls.Writer.WriteAsync(call, cancellationToken);
        return OnResume is null ? null : await OnResume(call);
    }

    private async Task<OperationResult?> RunAsync(BackendOperationKind operation, object request, IOperationObserver observer, CancellationToken cancellationToken)
    {
        var call = new FakeCall(operation, request, observer, cancellationToken);
        Interlocked.Increment(ref _callCount);
        await _calls.Writer.WriteAsync(call, CancellationToken.None);
        if (AutoComplete is { } auto)
        {
            return auto(call);
        }

        return await call.RunAsync(HonourCancellation);
    }
}
