using HvFleet.Hypervisors.Tests.Conformance;
using HvFleet.Hypervisors.Tests.HyperV.Emulator;

namespace HvFleet.Hypervisors.Tests.HyperV;

/// <summary>Hosts without VM groups (before Windows 10 / Server 2016, reference §6.1) and hosts without Hyper-V.</summary>
public sealed class HyperVHostCompatibilityTests : IDisposable
{
    private readonly HyperVTestHost _host = new(time =>
    {
        var emulator = new HyperVWmiEmulator(time, "HV-2012R2", vmGroups: false);
        emulator.AddVm("legacy-01");
        emulator.AddVm("legacy-02", enabledState: 3);
        return emulator;
    });

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

    public void Dispose()
    {
        _host.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task GetInfo_HostWithoutVmGroups_LacksTheCollectionCapability()
    {
        var info = await _host.CreateHypervisor().GetInfoAsync(_timeout.Token);

        Assert.DoesNotContain("snapshot.collection", info.Capabilities);
        Assert.Contains("snapshot.vm", info.Capabilities);
    }

    [Fact]
    public async Task Listing_HostWithoutVmGroups_ListsVmsAndNoGroups()
    {
        var backend = _host.CreateHypervisor();

        var vms = await backend.ListVirtualMachinesAsync(_timeout.Token);
        var groups = await backend.ListCollectionsAsync(_timeout.Token);

        Assert.Equal(new[] { "legacy-01", "legacy-02" }, vms.Select(v => v.Name));
        Assert.All(vms, v => Assert.Empty(v.CollectionIds));
        Assert.Empty(groups);
    }

    [Fact]
    public async Task CreateSnapshot_VmOnHostWithoutSettingsClass_SendsEmptySettingsAndSucceeds()
    {
        var backend = _host.CreateHypervisor();
        var vmId = (await backend.ListVirtualMachinesAsync(_timeout.Token))[0].Id;

        var result = await backend.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.VirtualMachines([vmId]), SnapshotKind.Standard, "old host"), new RecordingObserver(), _timeout.Token);

        Assert.Equal(string.Empty, _host.Emulator.Invocations.Single(i => i.Method == "CreateSnapshot").In["SnapshotSettings"]);
        var listed = Assert.Single(await backend.ListSnapshotsAsync(SnapshotFilter.All, _timeout.Token));
        Assert.Equal(Assert.Single(result.SnapshotIds), listed.Id);
        Assert.Equal("old host", listed.Name);
    }

    [Fact]
    public async Task CreateSnapshot_GroupOnHostWithoutVmGroups_IsNotFound()
    {
        var ex = await Assert.ThrowsAsync<HypervisorException>(() => _host.CreateHypervisor().CreateSnapshotAsync(
            new SnapshotRequest(SnapshotTarget.Collection(Guid.NewGuid().ToString("D")), SnapshotKind.Standard, null), new RecordingObserver(), _timeout.Token));

        Assert.Equal(HypervisorErrorKind.NotFound, ex.Kind);
    }

    [Fact]
    public async Task AnyCall_NamespaceAbsent_IsNotSupportedNamingTheRequirement()
    {
        _host.Emulator.NamespaceAvailable = false;

        var ex = await Assert.ThrowsAsync<HypervisorException>(() => _host.CreateHypervisor().ListVirtualMachinesAsync(_timeout.Token));

        Assert.Equal(HypervisorErrorKind.NotSupported, ex.Kind);
        Assert.Equal(HyperVCodes.MsvmNotSupported, ex.HyperVCode);
        Assert.Contains("Hyper-V installed", ex.Description, StringComparison.Ordinal);
    }
}
