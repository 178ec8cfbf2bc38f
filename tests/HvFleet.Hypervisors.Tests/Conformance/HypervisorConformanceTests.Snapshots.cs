namespace HvFleet.Hypervisors.Tests.Conformance;

public abstract partial class HypervisorConformanceTests
{
    [Theory]
    [InlineData(SnapshotKind.Standard)]
    [InlineData(SnapshotKind.Recovery)]
    public async Task CreateSnapshot_Collection_CreatesOneCollectionSnapshotOfEveryMember(SnapshotKind kind)
    {
        var group = Assert.Single(await Hypervisor.ListCollectionsAsync(Timeout), c => c.Id == Sample.CollectionId);
        var observer = new RecordingObserver();

        var result = await SnapshotAsync(SnapshotTarget.Collection(Sample.CollectionId), kind, observer: observer);

        var snapshot = await GetSnapshotAsync(Assert.Single(result.SnapshotIds));
        Assert.Equal(kind, snapshot.Kind);
        Assert.Equal(SnapshotScope.Collection, snapshot.Scope);
        Assert.Equal(Sample.CollectionId, snapshot.CollectionId);
        Assert.Equal(group.MemberVmIds.Order(), snapshot.Members.Select(m => m.VmId).Order());
        Assert.All(snapshot.Members, m => Assert.False(string.IsNullOrWhiteSpace(m.SnapshotId)));
        Assert.Equal(snapshot.Members.Count, snapshot.Members.Select(m => m.SnapshotId).Distinct().Count());
        Assert.False(string.IsNullOrWhiteSpace(snapshot.Name));
        AssertProgressEndsComplete(observer);
    }

    [Theory]
    [InlineData(SnapshotKind.Standard)]
    [InlineData(SnapshotKind.Recovery)]
    public async Task CreateSnapshot_VirtualMachines_CreatesOneSnapshotPerVm(SnapshotKind kind)
    {
        var vmIds = Sample.VmIds.Take(2).ToArray();

        var result = await SnapshotAsync(SnapshotTarget.VirtualMachines(vmIds), kind);

        Assert.Equal(vmIds.Length, result.SnapshotIds.Count);
        var snapshots = new List<SnapshotInfo>();
        foreach (string id in result.SnapshotIds)
        {
            snapshots.Add(await GetSnapshotAsync(id));
        }

        Assert.All(snapshots, s =>
        {
            Assert.Equal(kind, s.Kind);
            Assert.Equal(SnapshotScope.VirtualMachine, s.Scope);
            Assert.Single(s.Members);
        });
        Assert.Equal(vmIds.Order(), snapshots.Select(s => s.Members[0].VmId).Order());
    }

    [Theory]
    [InlineData(ConsistencyLevel.ApplicationConsistent)]
    [InlineData(ConsistencyLevel.CrashConsistent)]
    public async Task CreateSnapshot_WithConsistencyLevel_CreatesRecoverySnapshot(ConsistencyLevel consistency)
    {
        var result = await SnapshotAsync(SnapshotTarget.Collection(Sample.CollectionId), SnapshotKind.Recovery, consistency: consistency);

        Assert.Equal(SnapshotKind.Recovery, (await GetSnapshotAsync(Assert.Single(result.SnapshotIds))).Kind);
    }

    [Fact]
    public async Task CreateSnapshot_StandardAndRecovery_AreDistinguishableInListing()
    {
        string standard = await SnapshotCollectionAsync(SnapshotKind.Standard);
        string recovery = await SnapshotCollectionAsync(SnapshotKind.Recovery);

        Assert.Equal(SnapshotKind.Standard, (await GetSnapshotAsync(standard)).Kind);
        Assert.Equal(SnapshotKind.Recovery, (await GetSnapshotAsync(recovery)).Kind);
        Assert.NotEqual(standard, recovery);
    }

    [Fact]
    public async Task CreateSnapshot_NameOfHundredCharacters_IsKept()
    {
        string name = "conformance-" + new string('x', 100 - "conformance-".Length);

        var result = await SnapshotAsync(SnapshotTarget.Collection(Sample.CollectionId), SnapshotKind.Standard, name);

        Assert.Equal(name, (await GetSnapshotAsync(Assert.Single(result.SnapshotIds))).Name);
    }

    [Fact]
    public async Task CreateSnapshot_Twice_ListsBothInCreationOrder()
    {
        string first = await SnapshotCollectionAsync();
        string second = await SnapshotCollectionAsync();

        var listed = (await Hypervisor.ListSnapshotsAsync(new SnapshotFilter(CollectionId: Sample.CollectionId), Timeout)).Select(s => s.Id).ToList();
        Assert.True(listed.IndexOf(first) < listed.IndexOf(second), "snapshots are listed oldest first");
        Assert.True((await GetSnapshotAsync(first)).CreatedAt <= (await GetSnapshotAsync(second)).CreatedAt);
    }

    [Fact]
    public async Task CreateSnapshot_CollectionWithOrigin_CarriesTheJobIdentityFoundByJobOrRequestId()
    {
        var origin = new SnapshotOrigin(Guid.NewGuid().ToString("D"), "conformance-request-" + Guid.NewGuid().ToString("N"));

        var result = await SnapshotAsync(SnapshotTarget.Collection(Sample.CollectionId), origin: origin, name: "with origin");

        var id = Assert.Single(result.SnapshotIds);
        var listed = await GetSnapshotAsync(id);
        Assert.Equal(origin, listed.Origin);
        Assert.Equal("with origin", listed.Name);
        Assert.Equal(id, Assert.Single(await Hypervisor.FindSnapshotsByOriginAsync(new SnapshotOrigin(origin.JobId, null), Timeout)).Id);
        Assert.Equal(id, Assert.Single(await Hypervisor.FindSnapshotsByOriginAsync(new SnapshotOrigin(null, origin.RequestId), Timeout)).Id);
        Assert.Empty(await Hypervisor.FindSnapshotsByOriginAsync(new SnapshotOrigin(Guid.NewGuid().ToString("D"), "another request"), Timeout));
    }

    [Fact]
    public async Task CreateSnapshot_VirtualMachinesWithOrigin_EverySnapshotCarriesIt()
    {
        var vmIds = Sample.VmIds.Take(2).ToArray();
        var origin = new SnapshotOrigin(Guid.NewGuid().ToString("D"), null);
        var other = await SnapshotAsync(SnapshotTarget.VirtualMachines(vmIds), origin: new SnapshotOrigin(Guid.NewGuid().ToString("D"), null));

        var result = await SnapshotAsync(SnapshotTarget.VirtualMachines(vmIds), origin: origin);

        var found = await Hypervisor.FindSnapshotsByOriginAsync(origin, Timeout);
        Assert.Equal(result.SnapshotIds.Order(StringComparer.Ordinal), found.Select(s => s.Id).Order(StringComparer.Ordinal));
        Assert.All(found, s => Assert.Equal(origin, s.Origin));
        Assert.Equal(vmIds.Order(StringComparer.OrdinalIgnoreCase), found.Select(s => s.Members.Single().VmId).Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain(found, s => other.SnapshotIds.Contains(s.Id));
    }

    [Fact]
    public async Task CreateSnapshot_WithoutOrigin_CarriesNone()
    {
        var id = await SnapshotCollectionAsync();

        Assert.Null((await GetSnapshotAsync(id)).Origin);
    }

    private static void AssertProgressEndsComplete(RecordingObserver observer)
    {
        var progress = observer.Progress;
        Assert.NotEmpty(progress);
        Assert.Equal(100, progress[^1].Percent);
        for (int i = 1; i < progress.Count; i++)
        {
            Assert.True(progress[i].Percent >= progress[i - 1].Percent, $"percent went back from {progress[i - 1].Percent} to {progress[i].Percent}");
            Assert.True(progress[i].BytesDone >= progress[i - 1].BytesDone, "bytes done went back");
        }
    }
}
