using System.Diagnostics.CodeAnalysis;
using HvFleet.Hypervisors.Lab;
using HvFleet.Hypervisors.Tests.Conformance;

namespace HvFleet.Hypervisors.Tests.Lab;

/// <summary>The conformance suite on the lab backend, with simulated guest I/O running throughout.</summary>
[SuppressMessage("Design", "CA1001", Justification = "xunit ends each test through IAsyncLifetime.DisposeAsync, which disposes the host (OnDisposedAsync).")]
public sealed class LabHypervisorConformanceTests : HypervisorConformanceTests
{
    private readonly LabTestHost _host = new();
    private LabHypervisor? _lab;

    protected override Task<IHypervisor> CreateHypervisorAsync(CancellationToken cancellationToken)
    {
        // Guests keep writing throughout (every 20 ms), so every operation races real disk writes.
        _lab = _host.Create(o =>
        {
            o.GuestIoEnabled = true;
            o.GuestIoInterval = TimeSpan.FromMilliseconds(20);
        });
        return Task.FromResult<IHypervisor>(_lab);
    }

    protected override async Task<ConformanceSample> GetSampleAsync(IHypervisor hypervisor, CancellationToken cancellationToken)
    {
        // The seeded "Data tier" group has 3 VMs, the last of them off; pick VMs from another group.
        var collections = await hypervisor.ListCollectionsAsync(cancellationToken);
        var group = collections.Single(c => c.Name == "Data tier");
        var others = collections.Single(c => c.Name == "Web tier");
        return new ConformanceSample(group.Id, others.MemberVmIds);
    }

    protected override string CreateExportRoot() => _host.NewExportRoot();

    protected override async Task<IAsyncDisposable> MakeVmBusyAsync(string vmId, CancellationToken cancellationToken)
    {
        var lab = _lab!;
        var before = (await lab.ListVirtualMachinesAsync(cancellationToken)).Single(v => v.Id == vmId).State;
        await lab.SetVirtualMachineStateAsync(vmId, VmState.Busy, cancellationToken);
        return new AsyncAction(() => lab.SetVirtualMachineStateAsync(vmId, before, CancellationToken.None));
    }

    protected override Task<string> CreateEmptyCollectionAsync(CancellationToken cancellationToken) =>
        _lab!.CreateCollectionAsync("Empty group", [], cancellationToken);

    protected override Task<IAsyncDisposable> HoldSnapshotInUseAsync(string snapshotId, CancellationToken cancellationToken)
    {
        var use = _lab!.SnapshotUses.Acquire(snapshotId);
        return Task.FromResult<IAsyncDisposable>(new AsyncAction(() =>
        {
            use.Dispose();
            return Task.CompletedTask;
        }));
    }

    protected override async Task OnDisposedAsync() => await _host.DisposeAsync();

    private sealed class AsyncAction(Func<Task> action) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await action();
    }
}
