using HvFleet.Hypervisors.Tests.Conformance;
using HvFleet.Hypervisors.Tests.HyperV.Emulator;

namespace HvFleet.Hypervisors.Tests.HyperV;

/// <summary>Re-attach after an agent restart: a new backend over the same host follows the job by InstanceID.</summary>
public sealed class HyperVResumeTests : IDisposable
{
    private readonly HyperVTestHost _host = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

    public void Dispose()
    {
        _host.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task ResumeAsync_GroupSnapshotRunningAfterRestart_FollowsItToCompletion()
    {
        _host.Emulator.PlanNextJob("CreateSnapshot", new JobPlan { Duration = TimeSpan.FromMinutes(2) });
        var job = await StartThenCrashAsync(GroupRequest());
        Assert.True(_host.Emulator.JobState(job.JobId) is 2 or 4, "the Hyper-V job keeps running while the agent is down");

        var observer = new RecordingObserver();
        var result = await _host.CreateHypervisor().ResumeAsync(job, observer, _timeout.Token);

        Assert.NotNull(result);
        var snapshotId = Assert.Single(result.SnapshotIds);
        var listed = Assert.Single(await _host.CreateHypervisor().ListSnapshotsAsync(SnapshotFilter.All, _timeout.Token));
        Assert.Equal(snapshotId, listed.Id);
        Assert.Equal(SnapshotScope.Collection, listed.Scope);
        Assert.True(observer.Progress.Count >= 2, "progress keeps streaming after re-attach");
        Assert.Equal(100, observer.Progress[^1].Percent);
    }

    [Fact]
    public async Task ResumeAsync_VmSnapshotFinishedWhileDown_ReturnsItsResult()
    {
        var vmId = _host.Emulator.Query("SELECT * FROM Msvm_ComputerSystem WHERE ElementName = 'web-01'").Single()["Name"] as string ?? string.Empty;
        var job = await StartThenCrashAsync(new SnapshotRequest(SnapshotTarget.VirtualMachines([vmId]), SnapshotKind.Recovery, null));
        _host.Time.Advance(TimeSpan.FromMinutes(1));

        var result = await _host.CreateHypervisor().ResumeAsync(job, new RecordingObserver(), _timeout.Token);

        var snapshot = Assert.Single((await _host.CreateHypervisor().ListSnapshotsAsync(new SnapshotFilter(VmId: vmId), _timeout.Token)));
        Assert.Equal(snapshot.Id, Assert.Single(result!.SnapshotIds));
        Assert.Equal(SnapshotKind.Recovery, snapshot.Kind);
    }

    [Fact]
    public async Task ResumeAsync_JobRemovedWhileDown_ReturnsNull()
    {
        var job = await StartThenCrashAsync(GroupRequest());
        _host.Time.Advance(TimeSpan.FromMinutes(10));

        var result = await _host.CreateHypervisor().ResumeAsync(job, new RecordingObserver(), _timeout.Token);

        Assert.Null(result);
    }

    [Fact]
    public async Task ResumeAsync_JobFailedWhileDown_ThrowsWithTheJobErrorCode()
    {
        _host.Emulator.PlanNextJob("CreateSnapshot", JobPlan.Failing(32775, "Invalid state", "A VM changed state during the checkpoint."));
        var job = await StartThenCrashAsync(GroupRequest());

        var ex = await Assert.ThrowsAsync<HypervisorException>(() => _host.CreateHypervisor().ResumeAsync(job, new RecordingObserver(), _timeout.Token));

        Assert.Equal(32775u, ex.HyperVCode);
        Assert.Equal(HypervisorErrorKind.InvalidState, ex.Kind);
    }

    [Fact]
    public async Task ResumeAsync_UnknownJob_ReturnsNull()
    {
        var result = await _host.CreateHypervisor().ResumeAsync(
            new BackendJobReference(Guid.NewGuid().ToString("D"), BackendOperationKind.ExportSnapshot, null), new RecordingObserver(), _timeout.Token);

        Assert.Null(result);
    }

    /// <summary>Starts an operation and "kills the agent" the moment the job id is reported.</summary>
    private async Task<BackendJobReference> StartThenCrashAsync(SnapshotRequest request)
    {
        var observer = new CrashingObserver();
        await Assert.ThrowsAsync<AgentCrashedException>(() => _host.CreateHypervisor().CreateSnapshotAsync(request, observer, _timeout.Token));
        return observer.Job!;
    }

    private SnapshotRequest GroupRequest() => new(
        SnapshotTarget.Collection(_host.Emulator.Query("SELECT * FROM Msvm_VirtualSystemCollection WHERE ElementName = 'web'").Single()["CollectionID"] as string ?? string.Empty),
        SnapshotKind.Standard,
        null);

    private sealed class CrashingObserver : IOperationObserver
    {
        public BackendJobReference? Job { get; private set; }

        public void ReportProgress(HypervisorProgress progress)
        {
        }

        public void ReportBackendJob(BackendJobReference backendJob)
        {
            // The agent persisted the reference, then died.
            Job = backendJob;
            throw new AgentCrashedException();
        }
    }

    private sealed class AgentCrashedException : Exception;
}
