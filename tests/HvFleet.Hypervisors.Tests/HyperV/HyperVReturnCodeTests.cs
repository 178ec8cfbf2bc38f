using HvFleet.Hypervisors.Tests.Conformance;

namespace HvFleet.Hypervisors.Tests.HyperV;

/// <summary>Method return values decoded by the method's family (reference §5.4), always carried unchanged.</summary>
public sealed class HyperVReturnCodeTests : HyperVScenario
{
    [Theory]
    [InlineData(1u, HypervisorErrorKind.NotSupported, "Not supported")]
    [InlineData(2u, HypervisorErrorKind.Failed, "Failed")]
    [InlineData(3u, HypervisorErrorKind.Timeout, "Timeout")]
    [InlineData(5u, HypervisorErrorKind.InvalidState, "Invalid state")]
    [InlineData(6u, HypervisorErrorKind.InvalidParameter, "Invalid type")]
    [InlineData(32768u, HypervisorErrorKind.Failed, "Vendor specific")]
    public async Task CimMethod_ReturnValue_IsDecodedAsCim(uint code, HypervisorErrorKind kind, string summary)
    {
        Emulator.FailNextCall("CreateSnapshot", code);

        var ex = await Assert.ThrowsAsync<HypervisorException>(() => SnapshotVmAsync("web-01"));

        Assert.Equal(code, ex.HyperVCode);
        Assert.Equal(HyperVCodeFamily.Cim, ex.Family);
        Assert.Equal(kind, ex.Kind);
        Assert.Equal(summary, ex.Summary);
        Assert.Contains("Msvm_VirtualSystemSnapshotService.CreateSnapshot returned " + code, ex.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(32768u, HypervisorErrorKind.Failed, "Failed")]
    [InlineData(32769u, HypervisorErrorKind.AccessDenied, "Access denied")]
    [InlineData(32770u, HypervisorErrorKind.NotSupported, "Not supported")]
    [InlineData(32771u, HypervisorErrorKind.Failed, "Status is unknown")]
    [InlineData(32772u, HypervisorErrorKind.Timeout, "Timeout")]
    [InlineData(32773u, HypervisorErrorKind.InvalidParameter, "Invalid parameter")]
    [InlineData(32774u, HypervisorErrorKind.InUse, "System is in use")]
    [InlineData(32775u, HypervisorErrorKind.InvalidState, "Invalid state for this operation")]
    [InlineData(32776u, HypervisorErrorKind.InvalidParameter, "Incorrect data type")]
    [InlineData(32777u, HypervisorErrorKind.Failed, "System is not available")]
    [InlineData(32778u, HypervisorErrorKind.Failed, "Out of memory")]
    [InlineData(4u, HypervisorErrorKind.Failed, "DMTF reserved")]
    public async Task MsvmMethod_ReturnValue_IsDecodedAsMsvm(uint code, HypervisorErrorKind kind, string summary)
    {
        var snapshot = await SnapshotVmAsync("web-01");
        Emulator.FailNextCall("ExportSystemDefinition", code);

        var ex = await Assert.ThrowsAsync<HypervisorException>(() => ExportAsync(snapshot, ExportOptions.Default));

        Assert.Equal(code, ex.HyperVCode);
        Assert.Equal(HyperVCodeFamily.Msvm, ex.Family);
        Assert.Equal(kind, ex.Kind);
        Assert.Equal(summary, ex.Summary);
    }

    [Fact]
    public async Task MethodReturning0_CompletesWithoutFollowingAJob()
    {
        var snapshot = await SnapshotVmAsync("web-01");
        Emulator.FailNextCall("DestroySnapshot", 0);
        var observer = new RecordingObserver();

        var result = await Backend.DeleteSnapshotAsync(snapshot, observer, Timeout);

        Assert.Equal(snapshot, Assert.Single(result.SnapshotIds));
        Assert.Empty(observer.BackendJobs);
        Assert.Equal(100, Assert.Single(observer.Progress).Percent);
    }

    [Fact]
    public async Task InvalidStateOnGroupSnapshot_Is5FromTheMethod()
    {
        Emulator.SetVmState(VmId("db-02"), 32773);

        var ex = await Assert.ThrowsAsync<HypervisorException>(() => SnapshotGroupAsync("db"));

        Assert.Equal(HyperVCodes.InvalidState, ex.HyperVCode);
        Assert.Equal(HypervisorErrorKind.InvalidState, ex.Kind);
    }

    [Fact]
    public async Task ExportOfVmAlreadyExporting_Is32774FromTheMethod()
    {
        var snapshot = await SnapshotVmAsync("web-01");
        using var hold = Emulator.HoldInUse("export:" + VmId("web-01"));

        var ex = await Assert.ThrowsAsync<HypervisorException>(() => ExportAsync(snapshot, ExportOptions.Default));

        Assert.Equal(HyperVCodes.MsvmSystemInUse, ex.HyperVCode);
        Assert.Equal(HypervisorErrorKind.InUse, ex.Kind);
    }
}
