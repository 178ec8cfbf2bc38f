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
        await using var crash = await StartThenCrashAsync(GroupRequest());
        Assert.True(_host.Emulator.JobState(crash.Job.JobId) is 2 or 4, "the Hyper-V job keeps running while the agent is down");

        var observer = new RecordingObserver();
        var result = await _host.CreateHypervisor().ResumeAsync(crash.Job, observer, _timeout.Token);

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
        await using var crash = await StartThenCrashAsync(new SnapshotRequest(SnapshotTarget.VirtualMachines([vmId]), SnapshotKind.Recovery, null));
        _host.Time.Advance(TimeSpan.FromMinutes(1));

        var result = await _host.CreateHypervisor().ResumeAsync(crash.Job, new RecordingObserver(), _timeout.Token);

        var snapshot = Assert.Single((await _host.CreateHypervisor().ListSnapshotsAsync(new SnapshotFilter(VmId: vmId), _timeout.Token)));
        Assert.Equal(snapshot.Id, Assert.Single(result!.SnapshotIds));
        Assert.Equal(SnapshotKind.Recovery, snapshot.Kind);
    }

    [Fact]
    public async Task ResumeAsync_JobRemovedWhileDown_ReturnsNull()
    {
        await using var crash = await StartThenCrashAsync(GroupRequest());
        _host.Time.Advance(TimeSpan.FromMinutes(10));

        var result = await _host.CreateHypervisor().ResumeAsync(crash.Job, new RecordingObserver(), _timeout.Token);

        Assert.Null(result);
    }

    [Fact]
    public async Task ResumeAsync_JobFailedWhileDown_ThrowsWithTheJobErrorCode()
    {
        _host.Emulator.PlanNextJob("CreateSnapshot", JobPlan.Failing(32775, "Invalid state", "A VM changed state during the checkpoint."));
        await using var crash = await StartThenCrashAsync(GroupRequest());

        var ex = await Assert.ThrowsAsync<HypervisorException>(() => _host.CreateHypervisor().ResumeAsync(crash.Job, new RecordingObserver(), _timeout.Token));

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

    [Fact]
    public async Task ResumeAsync_SnapshotOfSeveralVmsInterruptedAtTheFirst_CheckpointsTheRestAndNamesThemAll()
    {
        var vmIds = new[] { VmId("web-01"), VmId("web-02"), VmId("standalone-01") };
        await using var crash = await StartThenCrashAsync(new SnapshotRequest(SnapshotTarget.VirtualMachines(vmIds), SnapshotKind.Recovery, "nightly"));

        var result = await _host.CreateHypervisor().ResumeAsync(crash.Job, new RecordingObserver(), _timeout.Token);

        Assert.Equal(3, result!.SnapshotIds.Count);
        var listed = await _host.CreateHypervisor().ListSnapshotsAsync(SnapshotFilter.All, _timeout.Token);
        Assert.Equal(vmIds.Order(), listed.Select(s => s.Members[0].VmId).Order());
        Assert.All(listed, s => Assert.Equal("nightly", s.Name));
        Assert.All(listed, s => Assert.Equal(SnapshotKind.Recovery, s.Kind));
    }

    [Fact]
    public async Task ResumeAsync_GroupSnapshotWithName_AppliesTheNameAfterRestart()
    {
        await using var crash = await StartThenCrashAsync(new SnapshotRequest(GroupRequest().Target, SnapshotKind.Standard, "before-upgrade"));

        var result = await _host.CreateHypervisor().ResumeAsync(crash.Job, new RecordingObserver(), _timeout.Token);

        var listed = Assert.Single(await _host.CreateHypervisor().ListSnapshotsAsync(SnapshotFilter.All, _timeout.Token));
        Assert.Equal(listed.Id, Assert.Single(result!.SnapshotIds));
        Assert.Equal("before-upgrade", listed.Name);
    }

    [Fact]
    public async Task ResumeAsync_ExportAfterRestart_MovesTheStagedExportIntoPlace()
    {
        var snapshot = Assert.Single((await _host.CreateHypervisor().CreateSnapshotAsync(GroupRequest(), new RecordingObserver(), _timeout.Token)).SnapshotIds);
        var root = _host.NewExportRoot();
        var target = Path.Combine(root, "export");
        await using var crash = await StartExportThenCrashAsync(new ExportRequest(snapshot, target, ExportOptions.Default, false));
        Assert.False(Directory.Exists(target), "Hyper-V writes into a staging folder until the export is done");

        var result = await _host.CreateHypervisor().ResumeAsync(crash.Job, new RecordingObserver(), _timeout.Token);

        Assert.Equal(target, result!.ExportPath);
        Assert.Equal(new[] { "export" }, Directory.EnumerateFileSystemEntries(root).Select(Path.GetFileName));
        Assert.Equal(new[] { "web-01", "web-02" }, Directory.EnumerateDirectories(target).Select(Path.GetFileName).Order());
        Assert.True(result.Bytes > 0);
    }

    [Fact]
    public async Task ResumeAsync_PerVmGroupExportInterrupted_ExportsTheRemainingMembers()
    {
        var snapshot = Assert.Single((await _host.CreateHypervisor().CreateSnapshotAsync(GroupRequest(), new RecordingObserver(), _timeout.Token)).SnapshotIds);
        var target = Path.Combine(_host.NewExportRoot(), "export");
        await using var crash = await StartExportThenCrashAsync(new ExportRequest(snapshot, target, new ExportOptions(CreateVmExportSubdirectory: false), false));

        await _host.CreateHypervisor().ResumeAsync(crash.Job, new RecordingObserver(), _timeout.Token);

        Assert.Equal(2, _host.Emulator.Exports.Count);
        Assert.Equal(2, Directory.EnumerateFiles(Path.Combine(target, "Virtual Machines"), "*.vmcx").Count());
        Assert.Equal(2, Directory.EnumerateFiles(Path.Combine(target, "Virtual Hard Disks")).Count());
    }

    [Fact]
    public async Task ResumeAsync_ExportJobGoneAfterRestart_RemovesTheStagingFolderAndReturnsNull()
    {
        var snapshot = Assert.Single((await _host.CreateHypervisor().CreateSnapshotAsync(GroupRequest(), new RecordingObserver(), _timeout.Token)).SnapshotIds);
        var root = _host.NewExportRoot();
        await using var crash = await StartExportThenCrashAsync(new ExportRequest(snapshot, Path.Combine(root, "export"), ExportOptions.Default, false));
        Assert.NotEmpty(Directory.EnumerateFileSystemEntries(root));
        _host.Time.Advance(TimeSpan.FromMinutes(10));

        var result = await _host.CreateHypervisor().ResumeAsync(crash.Job, new RecordingObserver(), _timeout.Token);

        Assert.Null(result);
        Assert.Empty(Directory.EnumerateFileSystemEntries(root));
    }

    [Fact]
    public async Task ResumeAsync_GroupSnapshotWithOriginInterrupted_RecordsTheOriginOnTheCheckpoint()
    {
        var origin = new SnapshotOrigin(Guid.NewGuid().ToString("D"), "resume-request");
        await using var crash = await StartThenCrashAsync(GroupRequest() with { Name = "nightly", Origin = origin });

        var result = await _host.CreateHypervisor().ResumeAsync(crash.Job, new RecordingObserver(), _timeout.Token);

        var found = Assert.Single(await ((IHypervisor)_host.CreateHypervisor()).FindSnapshotsByOriginAsync(new SnapshotOrigin(null, "resume-request"), _timeout.Token));
        Assert.Equal(Assert.Single(result!.SnapshotIds), found.Id);
        Assert.Equal(origin, found.Origin);
        Assert.Equal("nightly", found.Name);
    }

    [Fact]
    public async Task ResumeAsync_SnapshotOfSeveralVmsWithOriginInterrupted_EveryCheckpointCarriesTheOrigin()
    {
        var origin = new SnapshotOrigin(Guid.NewGuid().ToString("D"), null);
        var vmIds = new[] { VmId("web-01"), VmId("web-02") };
        await using var crash = await StartThenCrashAsync(new SnapshotRequest(SnapshotTarget.VirtualMachines(vmIds), SnapshotKind.Recovery, null, Origin: origin));

        var result = await _host.CreateHypervisor().ResumeAsync(crash.Job, new RecordingObserver(), _timeout.Token);

        var found = await ((IHypervisor)_host.CreateHypervisor()).FindSnapshotsByOriginAsync(origin, _timeout.Token);
        Assert.Equal(result!.SnapshotIds.Order(StringComparer.Ordinal), found.Select(s => s.Id).Order(StringComparer.Ordinal));
        Assert.Equal(2, found.Count);
    }

    private string VmId(string name) => _host.Emulator.Query($"SELECT * FROM Msvm_ComputerSystem WHERE ElementName = '{name}'").Single()["Name"] as string ?? string.Empty;

    /// <summary>
    /// Starts an operation and freezes that agent the moment it reports the job id (as if its process
    /// died: none of its code runs any more). Disposing lets the frozen call end.
    /// </summary>
    private async Task<FrozenAgent> StartThenCrashAsync(SnapshotRequest request)
    {
        var observer = new FreezingObserver();
        var abandoned = Task.Run(() => _host.CreateHypervisor().CreateSnapshotAsync(request, observer, CancellationToken.None));
        return new FrozenAgent(await observer.Reported.Task.WaitAsync(_timeout.Token), observer, abandoned);
    }

    private async Task<FrozenAgent> StartExportThenCrashAsync(ExportRequest request)
    {
        var observer = new FreezingObserver();
        var abandoned = Task.Run(() => _host.CreateHypervisor().ExportSnapshotAsync(request, observer, CancellationToken.None));
        return new FrozenAgent(await observer.Reported.Task.WaitAsync(_timeout.Token), observer, abandoned);
    }

    private SnapshotRequest GroupRequest() => new(
        SnapshotTarget.Collection(_host.Emulator.Query("SELECT * FROM Msvm_VirtualSystemCollection WHERE ElementName = 'web'").Single()["CollectionID"] as string ?? string.Empty),
        SnapshotKind.Standard,
        null);

    private sealed class FreezingObserver : IOperationObserver, IDisposable
    {
        private readonly ManualResetEventSlim _thaw = new();

        public TaskCompletionSource<BackendJobReference> Reported { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void ReportProgress(HypervisorProgress progress)
        {
        }

        public void ReportBackendJob(BackendJobReference backendJob)
        {
            // The agent persisted the reference, then died: nothing after this point runs until the test ends.
            Reported.TrySetResult(backendJob);
            _thaw.Wait();
            throw new AgentCrashedException();
        }

        public void Thaw() => _thaw.Set();

        public void Dispose() => _thaw.Dispose();
    }

    private sealed class FrozenAgent(BackendJobReference job, FreezingObserver observer, Task abandoned) : IAsyncDisposable
    {
        public BackendJobReference Job { get; } = job;

        public async ValueTask DisposeAsync()
        {
            observer.Thaw();
            await Assert.ThrowsAsync<AgentCrashedException>(() => abandoned);
            observer.Dispose();
        }
    }

    private sealed class AgentCrashedException : Exception;
}
