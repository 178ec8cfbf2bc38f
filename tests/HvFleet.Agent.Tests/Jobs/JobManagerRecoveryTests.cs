using HvFleet.Agent.Jobs;
using HvFleet.Agent.Tests.Jobs.Fakes;
using HvFleet.Hypervisors;

namespace HvFleet.Agent.Tests.Jobs;

public sealed class JobManagerRecoveryTests
{
    [Fact]
    public async Task RecoverAsync_RunningJobWithoutBackendJob_FailsItAsInterrupted()
    {
        await using var engine = await JobEngineHarness.StartAsync();
        var job = await engine.StartJobAsync(Specs.Group("g1"));
        await engine.Hypervisor.NextCallAsync();
        await engine.WaitForStateAsync(job.Id, JobState.Running);

        await engine.RestartAsync();
        var after = (await engine.Manager.GetAsync(job.Id, CancellationToken.None))!;

        Assert.Equal(JobState.Failed, after.State);
        Assert.Equal(HyperVCodeFamily.Agent, after.Error!.Family);
        Assert.Contains("agent restarted while the job was running", after.Error.Description, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(after.FinishedAt);
        Assert.Equal(0, engine.Hypervisor.CallCount);
    }

    [Fact]
    public async Task RecoverAsync_PendingJob_FailsItAsInterruptedBeforeStart()
    {
        await using var engine = await JobEngineHarness.StartAsync(o => o.MaxConcurrentSnapshots = 1);
        await engine.StartJobAsync(Specs.Group("g1"));
        await engine.Hypervisor.NextCallAsync();
        var pending = await engine.StartJobAsync(Specs.Group("g2"));

        await engine.RestartAsync();
        var after = (await engine.Manager.GetAsync(pending.Id, CancellationToken.None))!;

        Assert.Equal(JobState.Failed, after.State);
        Assert.Contains("before the job started", after.Error!.Description, StringComparison.Ordinal);
        Assert.Empty(await engine.Store.ListAsync(JobState.Pending, 10, CancellationToken.None));
        Assert.Empty(await engine.Store.ListAsync(JobState.Running, 10, CancellationToken.None));
    }

    [Fact]
    public async Task RecoverAsync_InterruptedExport_RemovesTempFolderAndTheTargetItCreated()
    {
        await using var engine = await JobEngineHarness.StartAsync();
        var exports = Path.Combine(engine.Root, "exports");
        var target = Path.Combine(exports, "nightly");
        var temp = Path.Combine(exports, ".nightly.hvfleet-tmp-1234");
        var unrelated = Path.Combine(exports, ".other.hvfleet-tmp-1");
        Directory.CreateDirectory(unrelated);
        var job = await engine.StartJobAsync(Specs.Export("s1", target));
        await engine.Hypervisor.NextCallAsync();
        await engine.WaitForStateAsync(job.Id, JobState.Running);
        Directory.CreateDirectory(Path.Combine(temp, "vm1", "Virtual Hard Disks"));
        await File.WriteAllTextAsync(Path.Combine(temp, "vm1", "Virtual Hard Disks", "disk.vhdx"), "partial");
        Directory.CreateDirectory(target);

        await engine.RestartAsync();
        var after = (await engine.Manager.GetAsync(job.Id, CancellationToken.None))!;

        Assert.False(Directory.Exists(temp));
        Assert.False(Directory.Exists(target));
        Assert.True(Directory.Exists(unrelated));
        Assert.Equal(JobState.Failed, after.State);
        Assert.Contains(after.Warnings, w => w.Contains(temp, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RecoverAsync_InterruptedExportIntoExistingTarget_KeepsTheTarget()
    {
        await using var engine = await JobEngineHarness.StartAsync();
        var target = Path.Combine(engine.Root, "exports", "kept");
        Directory.CreateDirectory(target);
        await File.WriteAllTextAsync(Path.Combine(target, "earlier.txt"), "earlier export");
        var temp = Path.Combine(engine.Root, "exports", ".kept.hvfleet-tmp-9");
        var job = await engine.StartJobAsync(new ExportSnapshotJobSpec(new ExportRequest("s1", target, ExportOptions.Default, Overwrite: true)));
        await engine.Hypervisor.NextCallAsync();
        await engine.WaitForStateAsync(job.Id, JobState.Running);
        Directory.CreateDirectory(temp);

        await engine.RestartAsync();

        Assert.True(File.Exists(Path.Combine(target, "earlier.txt")));
        Assert.False(Directory.Exists(temp));
        Assert.Equal(JobState.Failed, (await engine.Manager.GetAsync(job.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task RecoverAsync_BackendJobThatResumes_CompletesTheJob()
    {
        await using var engine = await JobEngineHarness.StartAsync();
        var job = await engine.StartJobAsync(Specs.Group("g1"), "req-resume");
        var call = await engine.Hypervisor.NextCallAsync();
        call.Observer.ReportBackendJob(new BackendJobReference("Msvm_ConcreteJob-42", BackendOperationKind.CreateSnapshot, "g1"));
        await engine.WaitForAsync(job.Id, j => j.BackendJob is not null);
        await engine.WaitForStoredAsync(job.Id, j => j.BackendJob is not null);

        var restarted = new FakeHypervisor();
        restarted.OnResume = async resume =>
        {
            resume.Progress(80, 8, 10);
            return await resume.RunAsync(honourCancellation: true);
        };
        await engine.RestartAsync(restarted);
        var resumeCall = await restarted.NextCallAsync();
        var reference = Assert.IsType<BackendJobReference>(resumeCall.Request);
        await engine.WaitForAsync(job.Id, j => j.Percent == 80);
        resumeCall.Complete(new OperationResult(["snap-after-restart"]));
        var done = await engine.WaitForStateAsync(job.Id, JobState.Completed);

        Assert.Equal("Msvm_ConcreteJob-42", reference.JobId);
        Assert.Equal(["snap-after-restart"], done.Result!.SnapshotIds);
        Assert.Equal(JobState.Completed, (await engine.Store.GetAsync(job.Id, CancellationToken.None))!.State);
        var replay = await engine.Manager.StartAsync(Specs.Group("g1"), "req-resume", CancellationToken.None);
        Assert.Equal((JobStartOutcome.Existing, job.Id), (replay.Outcome, replay.Job!.Id));
    }

    [Fact]
    public async Task RecoverAsync_BackendJobUnknownAfterRestart_FailsAsInterruptedAndCleansExport()
    {
        await using var engine = await JobEngineHarness.StartAsync();
        var target = Path.Combine(engine.Root, "exports", "x");
        var job = await engine.StartJobAsync(Specs.Export("s1", target));
        var call = await engine.Hypervisor.NextCallAsync();
        call.Observer.ReportBackendJob(new BackendJobReference("job-1", BackendOperationKind.ExportSnapshot, "s1"));
        await engine.WaitForStoredAsync(job.Id, j => j.BackendJob is not null);
        Directory.CreateDirectory(target);

        await engine.RestartAsync();
        await engine.Hypervisor.NextCallAsync();
        var failed = await engine.WaitForStateAsync(job.Id, JobState.Failed);

        Assert.Equal(HyperVCodeFamily.Agent, failed.Error!.Family);
        Assert.Contains("interrupted", failed.Error.Description, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task RecoverAsync_ResumedJob_HoldsItsGroupSoANewSnapshotWaits()
    {
        await using var engine = await JobEngineHarness.StartAsync();
        var job = await engine.StartJobAsync(Specs.Group("g1"));
        var call = await engine.Hypervisor.NextCallAsync();
        call.Observer.ReportBackendJob(new BackendJobReference("job-7", BackendOperationKind.CreateSnapshot, "g1"));
        await engine.WaitForStoredAsync(job.Id, j => j.BackendJob is not null);
        var restarted = new FakeHypervisor { OnResume = resume => resume.RunAsync(honourCancellation: true) };

        await engine.RestartAsync(restarted);
        var resumeCall = await restarted.NextCallAsync();
        var next = await engine.StartJobAsync(Specs.Group("g1"));

        Assert.False(restarted.HasPendingCall);
        resumeCall.Complete(OperationResult.Empty);
        (await restarted.NextCallAsync()).Complete(OperationResult.Empty);
        await engine.WaitForStateAsync(next.Id, JobState.Completed);
    }

    [Fact]
    public async Task RecoverAsync_BackendJobGoneButCheckpointCarriesTheJobIdentity_CompletesTheJobWithIt()
    {
        await using var engine = await JobEngineHarness.StartAsync();
        var job = await engine.StartJobAsync(Specs.Group("g1"), "nightly-g1");
        var call = await engine.Hypervisor.NextCallAsync();
        var origin = Assert.IsType<SnapshotRequest>(call.Request).Origin;
        Assert.Equal(new SnapshotOrigin(job.Id, "nightly-g1"), origin);
        call.Observer.ReportBackendJob(new BackendJobReference("job-9", BackendOperationKind.CreateSnapshot, "g1"));
        await engine.WaitForStoredAsync(job.Id, j => j.BackendJob is not null);
        var restarted = new FakeHypervisor();
        restarted.Snapshots.Add(new SnapshotInfo("S-OTHER", "other", SnapshotKind.Recovery, SnapshotScope.Collection, DateTimeOffset.UnixEpoch, "g1", [], new SnapshotOrigin("another-job", null)));
        restarted.Snapshots.Add(new SnapshotInfo("S-1", "nightly", SnapshotKind.Recovery, SnapshotScope.Collection, DateTimeOffset.UnixEpoch, "g1", [], origin));

        await engine.RestartAsync(restarted);
        await restarted.NextCallAsync();
        var after = await engine.WaitForAsync(job.Id, j => j.State.IsTerminal());

        Assert.Equal(JobState.Completed, after.State);
        Assert.Equal(["S-1"], after.Result!.SnapshotIds);
    }

    [Fact]
    public async Task StartAsync_BeforeRecovery_IsUnavailable()
    {
        await using var engine = await JobEngineHarness.StartAsync(recover: false);

        var refused = await engine.Manager.StartAsync(Specs.Group("g1"), null, CancellationToken.None);
        await engine.Manager.RecoverAsync(CancellationToken.None);
        var accepted = await engine.Manager.StartAsync(Specs.Group("g1"), null, CancellationToken.None);

        Assert.Equal(JobStartOutcome.Unavailable, refused.Outcome);
        Assert.Contains("starting", refused.Message, StringComparison.Ordinal);
        Assert.Equal(JobStartOutcome.Created, accepted.Outcome);
    }
}
