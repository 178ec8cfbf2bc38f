using System.Runtime.Versioning;
using HvFleet.Hypervisors.HyperV;
using HvFleet.Hypervisors.HyperV.Wmi;
using HvFleet.Hypervisors.Tests.Conformance;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HvFleet.Hypervisors.Tests.HyperV.RealHost;

/// <summary>
/// Against the real Hyper-V of the machine running the tests (skipped elsewhere, see
/// <see cref="HyperVFactAttribute"/>). Read-only, except the last test, which checkpoints the first
/// VM group it finds (HVFLEET_HYPERV_GROUP names another) and deletes the checkpoint again.
/// </summary>
[SupportedOSPlatform("windows")]
public sealed class RealHyperVHostTests
{
    private static HyperVHypervisor CreateBackend() => new(
        new ManagementWmiConnectionFactory(Options.Create(new HyperVOptions())),
        Options.Create(new HyperVOptions()),
        TimeProvider.System,
        NullLogger<HyperVHypervisor>.Instance);

    [HyperVFact]
    public async Task GetInfo_RealHost_ReportsHyperV()
    {
        var info = await CreateBackend().GetInfoAsync(CancellationToken.None);

        Assert.Equal(HypervisorKind.HyperV, info.Kind);
        Assert.Contains("export", info.Capabilities);
    }

    [HyperVFact]
    public async Task ListVirtualMachines_RealHost_ExcludesTheHostAndUsesGuids()
    {
        var vms = await CreateBackend().ListVirtualMachinesAsync(CancellationToken.None);

        Assert.All(vms, vm => Assert.True(Guid.TryParse(vm.Id, out _), vm.Id));
        Assert.DoesNotContain(vms, vm => string.Equals(vm.Name, Environment.MachineName, StringComparison.OrdinalIgnoreCase));
    }

    [HyperVFact]
    public async Task ListCollectionsAndSnapshots_RealHost_AgreeWithEachOther()
    {
        var backend = CreateBackend();
        var collections = await backend.ListCollectionsAsync(CancellationToken.None);
        var snapshots = await backend.ListSnapshotsAsync(SnapshotFilter.All, CancellationToken.None);

        Assert.All(snapshots.Where(s => s.Scope == SnapshotScope.Collection), s => Assert.Contains(collections, c => c.Id == s.CollectionId));
    }

    [HyperVFact(changesHost: true)]
    public async Task CreateAndDeleteGroupSnapshot_RealHost_RoundTrips()
    {
        var backend = CreateBackend();
        var collections = await backend.ListCollectionsAsync(CancellationToken.None);
        var wanted = Environment.GetEnvironmentVariable("HVFLEET_HYPERV_GROUP");
        var group = collections.FirstOrDefault(c => c.Kind == CollectionKind.VmCollection && c.MemberVmIds.Count > 0 && (wanted is null || c.Name == wanted));
        Assert.True(group is not null, "the host needs a VM group with members (New-VMGroup, Add-VMGroupMember)");

        var result = await backend.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.Collection(group.Id), SnapshotKind.Standard, "hvfleet-real-host-test"), new RecordingObserver(), CancellationToken.None);
        var id = Assert.Single(result.SnapshotIds);
        try
        {
            var listed = Assert.Single(await backend.ListSnapshotsAsync(SnapshotFilter.All, CancellationToken.None), s => s.Id == id);
            Assert.Equal(group.MemberVmIds.Order(), listed.Members.Select(m => m.VmId).Order());
        }
        finally
        {
            await backend.DeleteSnapshotAsync(id, new RecordingObserver(), CancellationToken.None);
        }
    }
}
