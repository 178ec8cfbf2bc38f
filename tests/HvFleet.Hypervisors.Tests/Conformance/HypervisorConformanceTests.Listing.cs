namespace HvFleet.Hypervisors.Tests.Conformance;

public abstract partial class HypervisorConformanceTests
{
    [Fact]
    public async Task GetInfo_Always_ReportsVersionAndCapabilities()
    {
        var info = await Hypervisor.GetInfoAsync(Timeout);

        Assert.True(Enum.IsDefined(info.Kind));
        Assert.False(string.IsNullOrWhiteSpace(info.Version));
        Assert.Contains("export", info.Capabilities);
        Assert.Contains("snapshot.collection", info.Capabilities);
    }

    [Fact]
    public async Task ListVirtualMachines_SampleHost_ReturnsDistinctGuidIdsWithNamesAndStates()
    {
        var vms = await Hypervisor.ListVirtualMachinesAsync(Timeout);

        Assert.NotEmpty(vms);
        Assert.All(vms, vm =>
        {
            Assert.True(Guid.TryParse(vm.Id, out _), $"VM id '{vm.Id}' is not a GUID");
            Assert.False(string.IsNullOrWhiteSpace(vm.Name));
            Assert.True(Enum.IsDefined(vm.State));
        });
        Assert.Equal(vms.Count, vms.Select(v => v.Id).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(Sample.VmIds, id => Assert.Contains(vms, v => v.Id == id));
    }

    [Fact]
    public async Task ListCollections_SampleCollection_ListsMembersThatListThemBack()
    {
        var collections = await Hypervisor.ListCollectionsAsync(Timeout);
        var vms = await Hypervisor.ListVirtualMachinesAsync(Timeout);

        var sample = Assert.Single(collections, c => c.Id == Sample.CollectionId);
        Assert.True(sample.MemberVmIds.Count >= 2, "the sample group needs at least two members");
        Assert.Equal(CollectionKind.VmCollection, sample.Kind);
        foreach (var collection in collections)
        {
            Assert.True(Guid.TryParse(collection.Id, out _), $"group id '{collection.Id}' is not a GUID");
            foreach (string member in collection.MemberVmIds)
            {
                var vm = Assert.Single(vms, v => v.Id == member);
                Assert.Contains(collection.Id, vm.CollectionIds);
            }
        }

        // Membership agrees in both directions.
        foreach (var vm in vms)
        {
            foreach (string collectionId in vm.CollectionIds)
            {
                Assert.Contains(vm.Id, Assert.Single(collections, c => c.Id == collectionId).MemberVmIds);
            }
        }
    }

    [Fact]
    public async Task ListSnapshots_Filters_MatchCollectionAndVm()
    {
        string groupSnapshot = await SnapshotCollectionAsync();
        string outsider = Sample.VmIds[0];
        var vmSnapshot = Assert.Single((await SnapshotAsync(SnapshotTarget.VirtualMachines([outsider]))).SnapshotIds);
        var group = Assert.Single(await Hypervisor.ListCollectionsAsync(Timeout), c => c.Id == Sample.CollectionId);

        var byCollection = await Hypervisor.ListSnapshotsAsync(new SnapshotFilter(CollectionId: Sample.CollectionId), Timeout);
        var byMember = await Hypervisor.ListSnapshotsAsync(new SnapshotFilter(VmId: group.MemberVmIds[0]), Timeout);
        var byOutsider = await Hypervisor.ListSnapshotsAsync(new SnapshotFilter(VmId: outsider), Timeout);

        Assert.Contains(byCollection, s => s.Id == groupSnapshot);
        Assert.DoesNotContain(byCollection, s => s.Id == vmSnapshot);
        Assert.Contains(byMember, s => s.Id == groupSnapshot);
        Assert.Contains(byOutsider, s => s.Id == vmSnapshot);
        Assert.All(byOutsider, s => Assert.Contains(s.Members, m => m.VmId == outsider));
    }
}
