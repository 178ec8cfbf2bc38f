using HvFleet.Hypervisors.Lab;
using HvFleet.Hypervisors.Lab.Export;
using HvFleet.Hypervisors.Tests.Conformance;
using HvFleet.Testing;

namespace HvFleet.Hypervisors.Tests.Lab;

/// <summary>The after-commit delay: the work is done and visible while the operation has not yet returned (the window
/// the chaos tests kill the agent in), and no cancel undoes it.</summary>
public sealed class LabDelayAfterCommitTests : LabTestBase
{
    [Fact]
    public async Task CreateSnapshot_DelayAfterCommitOnManualClock_CheckpointListedBeforeItReturns()
    {
        var time = new ManualTimeProvider();
        var lab = Host.Create(o => o.OperationFaults[BackendOperationKind.CreateSnapshot] = new LabFaultOptions { DelayAfterCommit = TimeSpan.FromSeconds(30) }, time);
        string groupId = (await lab.ListCollectionsAsync(Timeout))[0].Id;

        var snapshot = lab.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.Collection(groupId), SnapshotKind.Recovery, "after-commit"), new RecordingObserver(), Timeout);
        await time.WaitForTimersAsync(1, Timeout);
        var listed = Assert.Single(await lab.ListSnapshotsAsync(SnapshotFilter.All, Timeout));
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(snapshot.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([listed.Id], (await snapshot.WaitAsync(Timeout)).SnapshotIds);
    }

    [Fact]
    public async Task ExportSnapshot_DelayAfterCommitThenCancel_ExportInPlaceAndReturnsCompleted()
    {
        var time = new ManualTimeProvider();
        var lab = Host.Create(o => o.OperationFaults[BackendOperationKind.ExportSnapshot] = new LabFaultOptions { DelayAfterCommit = TimeSpan.FromSeconds(30) }, time);
        string groupId = (await lab.ListCollectionsAsync(Timeout))[0].Id;
        string snapshotId = (await lab.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.Collection(groupId), SnapshotKind.Recovery, null), new RecordingObserver(), Timeout)).SnapshotIds[0];
        string target = Path.Combine(Host.NewExportRoot(), "export");
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Timeout);

        var export = lab.ExportSnapshotAsync(new ExportRequest(snapshotId, target, ExportOptions.Default, false), new RecordingObserver(), cancel.Token);
        await time.WaitForTimersAsync(1, Timeout);
        Assert.True(File.Exists(Path.Combine(target, LabExportManifest.FileName)));
        await cancel.CancelAsync();
        Assert.False(export.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(target, (await export.WaitAsync(Timeout)).ExportPath);
        Assert.True(File.Exists(Path.Combine(target, LabExportManifest.FileName)));
    }

    [Fact]
    public void Validate_NegativeDelayAfterCommit_NamesTheSetting()
    {
        var options = Host.Options(o => o.OperationFaults[BackendOperationKind.CreateSnapshot] = new LabFaultOptions { DelayAfterCommit = TimeSpan.FromSeconds(-1) });

        var result = new LabHypervisorOptionsValidator().Validate(null, options);

        Assert.False(result.Succeeded);
        Assert.StartsWith("Lab:OperationFaults:CreateSnapshot:DelayAfterCommit must not be negative", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }
}
