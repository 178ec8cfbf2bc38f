using HvFleet.Hypervisors.Lab;
using HvFleet.Hypervisors.Tests.Conformance;
using HvFleet.Testing;

namespace HvFleet.Hypervisors.Tests.Lab;

public sealed class LabFaultInjectionTests : LabTestBase
{
    [Fact]
    public async Task FailNext_Configured_FailsThatManyOperationsThenSucceeds()
    {
        var lab = Host.Create(o => o.Faults.FailNext = 2);
        string groupId = (await lab.ListCollectionsAsync(Timeout))[0].Id;

        var first = await Assert.ThrowsAsync<HypervisorException>(() => SnapshotAsync(lab, groupId));
        var second = await Assert.ThrowsAsync<HypervisorException>(() => SnapshotAsync(lab, groupId));
        var third = await SnapshotAsync(lab, groupId);

        Assert.Equal(HyperVCodes.MsvmFailed, first.HyperVCode);
        Assert.Equal(HyperVCodeFamily.Msvm, first.Family);
        Assert.Equal(HypervisorErrorKind.Failed, second.Kind);
        Assert.Single(third.SnapshotIds);
        Assert.Single(await lab.ListSnapshotsAsync(SnapshotFilter.All, Timeout));
        Assert.Single(Directory.EnumerateDirectories(lab.Paths.SnapshotsRoot));
    }

    [Fact]
    public async Task OperationFaults_ForExportOnly_LeaveSnapshotsAlone()
    {
        var lab = Host.Create(o => o.OperationFaults[BackendOperationKind.ExportSnapshot] = new LabFaultOptions { FailNext = 1, FailureCode = HyperVCodes.MsvmSystemNotAvailable });
        string groupId = (await lab.ListCollectionsAsync(Timeout))[0].Id;

        string snapshotId = (await SnapshotAsync(lab, groupId)).SnapshotIds[0];
        var ex = await Assert.ThrowsAsync<HypervisorException>(() => ExportAsync(lab, snapshotId));
        var retry = await ExportAsync(lab, snapshotId);

        Assert.Equal(HyperVCodes.MsvmSystemNotAvailable, ex.HyperVCode);
        Assert.NotNull(retry.ManifestPath);
    }

    [Fact]
    public async Task FailureCode_CimValue_IsCarriedInTheCimFamily()
    {
        var lab = Host.Create(o =>
        {
            o.Faults.FailNext = 1;
            o.Faults.FailureCode = HyperVCodes.Timeout;
        });
        string groupId = (await lab.ListCollectionsAsync(Timeout))[0].Id;

        var ex = await Assert.ThrowsAsync<HypervisorException>(() => SnapshotAsync(lab, groupId));

        Assert.Equal(HyperVCodes.Timeout, ex.HyperVCode);
        Assert.Equal(HyperVCodeFamily.Cim, ex.Family);
        Assert.Equal(HypervisorErrorKind.Timeout, ex.Kind);
    }

    [Fact]
    public async Task FailureProbability_One_FailsEveryTimeAndZeroNever()
    {
        var always = Host.Create(o => o.Faults.FailureProbability = 1.0);
        string groupId = (await always.ListCollectionsAsync(Timeout))[0].Id;
        for (int i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<HypervisorException>(() => SnapshotAsync(always, groupId));
        }

        await always.DisposeAsync();
        var never = Host.Create(o => o.Faults.FailureProbability = 0.0);
        for (int i = 0; i < 3; i++)
        {
            await SnapshotAsync(never, groupId);
        }

        Assert.Equal(3, (await never.ListSnapshotsAsync(SnapshotFilter.All, Timeout)).Count);
    }

    [Fact]
    public async Task FailNext_AtRunTime_AppliesToTheChosenOperationKind()
    {
        var lab = Host.Create();
        string groupId = (await lab.ListCollectionsAsync(Timeout))[0].Id;
        string snapshotId = (await SnapshotAsync(lab, groupId)).SnapshotIds[0];

        lab.FailNext(1, BackendOperationKind.DeleteSnapshot);
        await SnapshotAsync(lab, groupId);
        await Assert.ThrowsAsync<HypervisorException>(() => lab.DeleteSnapshotAsync(snapshotId, new RecordingObserver(), Timeout));

        Assert.Equal(2, (await lab.ListSnapshotsAsync(SnapshotFilter.All, Timeout)).Count);
        await lab.DeleteSnapshotAsync(snapshotId, new RecordingObserver(), Timeout);
        Assert.Single(await lab.ListSnapshotsAsync(SnapshotFilter.All, Timeout));
    }

    [Fact]
    public async Task Delay_OnManualClock_OperationWaitsUntilTimeAdvances()
    {
        var time = new ManualTimeProvider();
        var lab = Host.Create(o => o.Faults.Delay = TimeSpan.FromSeconds(30), time);
        string groupId = (await lab.ListCollectionsAsync(Timeout))[0].Id;

        var snapshot = SnapshotAsync(lab, groupId);
        await time.WaitForTimersAsync(1, Timeout);
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(snapshot.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Single((await snapshot.WaitAsync(Timeout)).SnapshotIds);
    }

    [Fact]
    public async Task Delay_Cancelled_StopsPromptlyAndCreatesNothing()
    {
        var lab = Host.Create(o => o.Faults.Delay = TimeSpan.FromHours(1));
        string groupId = (await lab.ListCollectionsAsync(Timeout))[0].Id;
        using var cancel = new CancellationTokenSource();

        var snapshot = lab.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.Collection(groupId), SnapshotKind.Standard, null), new RecordingObserver(), cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => snapshot.WaitAsync(Timeout));
        Assert.Empty(await lab.ListSnapshotsAsync(SnapshotFilter.All, Timeout));
    }

    private Task<OperationResult> SnapshotAsync(LabHypervisor lab, string groupId) =>
        lab.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.Collection(groupId), SnapshotKind.Standard, null), new RecordingObserver(), Timeout);

    private Task<OperationResult> ExportAsync(LabHypervisor lab, string snapshotId) =>
        lab.ExportSnapshotAsync(new ExportRequest(snapshotId, Path.Combine(Host.NewExportRoot(), "e"), ExportOptions.Default, false), new RecordingObserver(), Timeout);
}
