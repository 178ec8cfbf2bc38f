namespace HvFleet.Hypervisors.Tests.Conformance;

public abstract partial class HypervisorConformanceTests
{
    private static readonly string UnknownId = "0B5F3E1A-7C2D-4E8F-9A6B-1C2D3E4F5A6B";

    [Fact]
    public Task CreateSnapshot_UnknownCollection_IsNotFound() =>
        AssertFailsAsync(() => SnapshotAsync(SnapshotTarget.Collection(UnknownId)), HypervisorErrorKind.NotFound);

    [Fact]
    public Task CreateSnapshot_UnknownVm_IsNotFound() =>
        AssertFailsAsync(() => SnapshotAsync(SnapshotTarget.VirtualMachines([Sample.VmIds[0], UnknownId])), HypervisorErrorKind.NotFound);

    [Fact]
    public Task ExportSnapshot_UnknownSnapshot_IsNotFound() =>
        AssertFailsAsync(() => ExportAsync(UnknownId, Path.Combine(CreateExportRoot(), "export")), HypervisorErrorKind.NotFound);

    [Fact]
    public Task DeleteSnapshot_UnknownSnapshot_IsNotFound() =>
        AssertFailsAsync(() => Hypervisor.DeleteSnapshotAsync(UnknownId, new RecordingObserver(), Timeout), HypervisorErrorKind.NotFound);

    [Fact]
    public async Task DeleteSnapshot_Twice_SecondIsNotFound()
    {
        string snapshotId = await SnapshotCollectionAsync();
        await Hypervisor.DeleteSnapshotAsync(snapshotId, new RecordingObserver(), Timeout);

        await AssertFailsAsync(() => Hypervisor.DeleteSnapshotAsync(snapshotId, new RecordingObserver(), Timeout), HypervisorErrorKind.NotFound);
    }

    [Fact]
    public async Task ExportSnapshot_UnknownDifferentialBase_IsNotFound()
    {
        string snapshotId = await SnapshotCollectionAsync(SnapshotKind.Recovery);
        string root = CreateExportRoot();

        await AssertFailsAsync(
            () => ExportAsync(snapshotId, Path.Combine(root, "export"), new ExportOptions(DifferentialBackupBase: UnknownId)),
            HypervisorErrorKind.NotFound);
        Assert.Empty(Directory.EnumerateFileSystemEntries(root));
    }

    [Fact]
    public async Task CreateSnapshot_CollectionWithBusyMember_IsInvalidState5()
    {
        var group = Assert.Single(await Hypervisor.ListCollectionsAsync(Timeout), c => c.Id == Sample.CollectionId);
        OnCleanup(await MakeVmBusyAsync(group.MemberVmIds[^1], Timeout));

        await AssertFailsAsync(() => SnapshotAsync(SnapshotTarget.Collection(Sample.CollectionId)), HypervisorErrorKind.InvalidState, HyperVCodes.InvalidState);
        Assert.Empty(await Hypervisor.ListSnapshotsAsync(new SnapshotFilter(CollectionId: Sample.CollectionId), Timeout));
    }

    [Fact]
    public async Task CreateSnapshot_BusyVm_IsInvalidState5()
    {
        OnCleanup(await MakeVmBusyAsync(Sample.VmIds[0], Timeout));

        await AssertFailsAsync(() => SnapshotAsync(SnapshotTarget.VirtualMachines([Sample.VmIds[0]])), HypervisorErrorKind.InvalidState, HyperVCodes.InvalidState);
    }

    [Fact]
    public async Task CreateSnapshot_EmptyCollection_IsInvalidState5()
    {
        string empty = await CreateEmptyCollectionAsync(Timeout);

        await AssertFailsAsync(() => SnapshotAsync(SnapshotTarget.Collection(empty)), HypervisorErrorKind.InvalidState, HyperVCodes.InvalidState);
    }

    [Fact]
    public async Task ExportSnapshot_SnapshotOfBusyVm_IsInvalidState32775()
    {
        string snapshotId = await SnapshotCollectionAsync();
        var group = Assert.Single(await Hypervisor.ListCollectionsAsync(Timeout), c => c.Id == Sample.CollectionId);
        string root = CreateExportRoot();
        OnCleanup(await MakeVmBusyAsync(group.MemberVmIds[0], Timeout));

        await AssertFailsAsync(() => ExportAsync(snapshotId, Path.Combine(root, "export")), HypervisorErrorKind.InvalidState, HyperVCodes.MsvmInvalidState);
        Assert.Empty(Directory.EnumerateFileSystemEntries(root));
    }

    [Fact]
    public async Task CreateSnapshot_NameLongerThanHundredCharacters_IsInvalidParameter4()
    {
        await AssertFailsAsync(
            () => SnapshotAsync(SnapshotTarget.Collection(Sample.CollectionId), SnapshotKind.Standard, new string('n', 101)),
            HypervisorErrorKind.InvalidParameter,
            HyperVCodes.InvalidParameter);
        Assert.Empty(await Hypervisor.ListSnapshotsAsync(new SnapshotFilter(CollectionId: Sample.CollectionId), Timeout));
    }

    [Fact]
    public Task CreateSnapshot_UndefinedSnapshotType_IsInvalidParameter4() =>
        AssertFailsAsync(() => SnapshotAsync(SnapshotTarget.Collection(Sample.CollectionId), (SnapshotKind)3), HypervisorErrorKind.InvalidParameter, HyperVCodes.InvalidParameter);

    [Fact]
    public Task CreateSnapshot_NoVms_IsInvalidParameter4() =>
        AssertFailsAsync(() => SnapshotAsync(SnapshotTarget.VirtualMachines([])), HypervisorErrorKind.InvalidParameter, HyperVCodes.InvalidParameter);

    [Fact]
    public async Task ExportSnapshot_RelativeDirectory_IsInvalidParameter32773()
    {
        string snapshotId = await SnapshotCollectionAsync();

        await AssertFailsAsync(() => ExportAsync(snapshotId, "relative/export"), HypervisorErrorKind.InvalidParameter, HyperVCodes.MsvmInvalidParameter);
    }

    [Fact]
    public async Task ExportSnapshot_DifferentialBaseOfOtherVms_IsInvalidParameter32773()
    {
        string groupSnapshot = await SnapshotCollectionAsync(SnapshotKind.Recovery);
        string vmSnapshot = Assert.Single((await SnapshotAsync(SnapshotTarget.VirtualMachines([Sample.VmIds[0]]), SnapshotKind.Recovery)).SnapshotIds);
        string root = CreateExportRoot();

        await AssertFailsAsync(
            () => ExportAsync(groupSnapshot, Path.Combine(root, "export"), new ExportOptions(DifferentialBackupBase: vmSnapshot)),
            HypervisorErrorKind.InvalidParameter,
            HyperVCodes.MsvmInvalidParameter);
        Assert.Empty(Directory.EnumerateFileSystemEntries(root));
    }

    [Fact]
    public async Task DeleteSnapshot_InUse_Is32774AndKeepsTheSnapshot()
    {
        string snapshotId = await SnapshotCollectionAsync();
        var hold = await HoldSnapshotInUseAsync(snapshotId, Timeout);

        await AssertFailsAsync(() => Hypervisor.DeleteSnapshotAsync(snapshotId, new RecordingObserver(), Timeout), HypervisorErrorKind.InUse, HyperVCodes.MsvmSystemInUse);
        Assert.Contains(await Hypervisor.ListSnapshotsAsync(SnapshotFilter.All, Timeout), s => s.Id == snapshotId);

        await hold.DisposeAsync();
        await Hypervisor.DeleteSnapshotAsync(snapshotId, new RecordingObserver(), Timeout);
        Assert.DoesNotContain(await Hypervisor.ListSnapshotsAsync(SnapshotFilter.All, Timeout), s => s.Id == snapshotId);
    }
}
