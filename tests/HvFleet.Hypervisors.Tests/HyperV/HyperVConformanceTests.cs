using System.Diagnostics.CodeAnalysis;
using HvFleet.Hypervisors.Tests.Conformance;

namespace HvFleet.Hypervisors.Tests.HyperV;

/// <summary>The conformance suite on the Hyper-V backend, driving the WMI emulator.</summary>
[SuppressMessage("Design", "CA1001", Justification = "xunit ends each test through IAsyncLifetime.DisposeAsync, which disposes the host (OnDisposedAsync).")]
public sealed class HyperVConformanceTests : HypervisorConformanceTests
{
    /// <summary>Pausing (32776): a transitional EnabledState in which Hyper-V refuses checkpoints and exports.</summary>
    private const ushort TransitionalState = 32776;

    private readonly HyperVTestHost _host = new();

    protected override Task<IHypervisor> CreateHypervisorAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IHypervisor>(_host.CreateHypervisor());

    protected override async Task<ConformanceSample> GetSampleAsync(IHypervisor hypervisor, CancellationToken cancellationToken)
    {
        // The sample host: "db" has three running VMs; pick single VMs from "web".
        var collections = await hypervisor.ListCollectionsAsync(cancellationToken);
        return new ConformanceSample(collections.Single(c => c.Name == "db").Id, collections.Single(c => c.Name == "web").MemberVmIds);
    }

    protected override string CreateExportRoot() => _host.NewExportRoot();

    protected override async Task<IAsyncDisposable> MakeVmBusyAsync(string vmId, CancellationToken cancellationToken)
    {
        var before = (await Hypervisor.ListVirtualMachinesAsync(cancellationToken)).Single(v => v.Id == vmId).EnabledState;
        _host.Emulator.SetVmState(vmId, TransitionalState);
        return new Restore(() => _host.Emulator.SetVmState(vmId, (ushort)before));
    }

    protected override Task<string> CreateEmptyCollectionAsync(CancellationToken cancellationToken) =>
        Task.FromResult(_host.Emulator.AddGroup("empty"));

    protected override Task<IAsyncDisposable> HoldSnapshotInUseAsync(string snapshotId, CancellationToken cancellationToken)
    {
        var hold = _host.Emulator.HoldSnapshotInUse(snapshotId);
        return Task.FromResult<IAsyncDisposable>(new Restore(hold.Dispose));
    }

    protected override Task OnDisposedAsync()
    {
        _host.Dispose();
        return Task.CompletedTask;
    }

    private sealed class Restore(Action action) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            action();
            return ValueTask.CompletedTask;
        }
    }
}
