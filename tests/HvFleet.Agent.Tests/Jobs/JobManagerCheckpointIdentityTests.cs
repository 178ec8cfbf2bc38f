using HvFleet.Agent.Jobs;
using HvFleet.Agent.Tests.Jobs.Fakes;
using Microsoft.Extensions.Logging;

namespace HvFleet.Agent.Tests.Jobs;

/// <summary>
/// The checkpoint carries its job's identity, so the hypervisor has the last word: an agent killed
/// between the lab's checkpoint and the job's record, or a lost job store, never ends in an orphan,
/// a failed replay or a second checkpoint.
/// </summary>
public sealed class JobManagerCheckpointIdentityTests
{
    [Fact]
    public async Task RecoverAsync_AgentKilledAfterCheckpointBeforeCompleted_CompletesTheJobWithThatCheckpoint()
    {
        CrashingHypervisor? crashing = null;
        await using var engine = await LabJobEngine.StartAsync(lab => crashing = new CrashingHypervisor(lab, CrashPoint.AfterBackend));
        var spec = Specs.Group(await engine.FirstCollectionIdAsync());
        var started = await engine.Manager.StartAsync(spec, "nightly-1", CancellationToken.None);
        await crashing!.Crashed.Task.WaitAsync(JobEngineHarness.Timeout);
        var checkpoint = Assert.Single(await engine.SnapshotsAsync());
        Assert.Equal(JobState.Running, (await engine.Store.GetAsync(started.Job!.Id, CancellationToken.None))!.State);

        await engine.RestartAsync();

        var recovered = (await engine.Manager.GetAsync(started.Job.Id, CancellationToken.None))!;
        Assert.Equal(JobState.Completed, recovered.State);
        Assert.Equal([checkpoint.Id], recovered.Result!.SnapshotIds);
        Assert.Null(recovered.Error);
        var replay = await engine.Manager.StartAsync(spec, "nightly-1", CancellationToken.None);
        Assert.Equal(JobStartOutcome.Existing, replay.Outcome);
        Assert.Equal(started.Job.Id, replay.Job!.Id);
        Assert.Equal([checkpoint.Id], replay.Job.Result!.SnapshotIds);
        Assert.Equal(checkpoint.Id, Assert.Single(await engine.SnapshotsAsync()).Id);
    }

    [Fact]
    public async Task RecoverAsync_AgentKilledAfterVmCheckpointsWithoutRequestId_CompletesTheJobByItsJobId()
    {
        CrashingHypervisor? crashing = null;
        await using var engine = await LabJobEngine.StartAsync(lab => crashing = new CrashingHypervisor(lab, CrashPoint.AfterBackend));
        var vmIds = (await engine.Lab.ListVirtualMachinesAsync(CancellationToken.None)).Take(2).Select(v => v.Id).ToArray();
        var started = await engine.Manager.StartAsync(Specs.Vms(vmIds), null, CancellationToken.None);
        await crashing!.Crashed.Task.WaitAsync(JobEngineHarness.Timeout);

        await engine.RestartAsync();

        var recovered = (await engine.Manager.GetAsync(started.Job!.Id, CancellationToken.None))!;
        var snapshots = await engine.SnapshotsAsync();
        Assert.Equal(JobState.Completed, recovered.State);
        Assert.Equal(2, snapshots.Count);
        Assert.Equal(vmIds.Select(vm => snapshots.Single(s => s.Members[0].VmId == vm).Id), recovered.Result!.SnapshotIds);
    }

    [Fact]
    public async Task RecoverAsync_AgentKilledBeforeTheBackendRan_FailsTheJobInterruptedAndLeavesNothing()
    {
        CrashingHypervisor? crashing = null;
        await using var engine = await LabJobEngine.StartAsync(lab => crashing = new CrashingHypervisor(lab, CrashPoint.BeforeBackend));
        var started = await engine.Manager.StartAsync(Specs.Group(await engine.FirstCollectionIdAsync()), "nightly-2", CancellationToken.None);
        await crashing!.Crashed.Task.WaitAsync(JobEngineHarness.Timeout);

        await engine.RestartAsync();

        var recovered = (await engine.Manager.GetAsync(started.Job!.Id, CancellationToken.None))!;
        Assert.Equal(JobState.Failed, recovered.State);
        Assert.Equal("Interrupted", recovered.Error!.Summary);
        Assert.Empty(await engine.SnapshotsAsync());
    }

    [Fact]
    public async Task StartAsync_ReplayAfterTheJobStoreWasLost_AnswersWithTheExistingCheckpointNeverASecondOne()
    {
        await using var engine = await LabJobEngine.StartAsync();
        var spec = Specs.Group(await engine.FirstCollectionIdAsync());
        var first = await engine.Manager.StartAsync(spec, "nightly-3", CancellationToken.None);
        var done = await engine.WaitForTerminalAsync(first.Job!.Id);
        var checkpoint = Assert.Single(done.Result!.SnapshotIds);

        await engine.RestartAsync(loseJobStore: true);
        var replay = await engine.Manager.StartAsync(spec, "nightly-3", CancellationToken.None);
        var again = await engine.Manager.StartAsync(spec, "nightly-3", CancellationToken.None);

        Assert.Equal(JobStartOutcome.Existing, replay.Outcome);
        Assert.Equal(JobState.Completed, replay.Job!.State);
        Assert.Equal([checkpoint], replay.Job.Result!.SnapshotIds);
        Assert.Equal(replay.Job.Id, again.Job!.Id);
        Assert.Equal(checkpoint, Assert.Single(await engine.SnapshotsAsync()).Id);
    }

    [Fact]
    public async Task StartAsync_AfterTheJobStoreWasLost_RequestIdOfAnotherTargetIsAConflictAndTakesNothing()
    {
        await using var engine = await LabJobEngine.StartAsync();
        var collections = await engine.Lab.ListCollectionsAsync(CancellationToken.None);
        var first = await engine.Manager.StartAsync(Specs.Group(collections[0].Id), "nightly-4", CancellationToken.None);
        await engine.WaitForTerminalAsync(first.Job!.Id);

        await engine.RestartAsync(loseJobStore: true);
        var reused = await engine.Manager.StartAsync(Specs.Group(collections[1].Id), "nightly-4", CancellationToken.None);

        Assert.Equal(JobStartOutcome.RequestIdConflict, reused.Outcome);
        Assert.Contains("nightly-4", reused.Message, StringComparison.Ordinal);
        Assert.Single(await engine.SnapshotsAsync());
    }

    [Fact]
    public async Task RecoverAsync_EmptyJobStoreWhileTheHostHoldsJobCheckpoints_WarnsLoudlyNamingTheStore()
    {
        await using var engine = await LabJobEngine.StartAsync();
        var first = await engine.Manager.StartAsync(Specs.Group(await engine.FirstCollectionIdAsync()), "nightly-5", CancellationToken.None);
        await engine.WaitForTerminalAsync(first.Job!.Id);
        Assert.DoesNotContain(engine.Logger.Entries, e => e.EventName == "JobStoreNewWithHistory");

        await engine.RestartAsync(loseJobStore: true);

        var warning = Assert.Single(engine.Logger.Entries, e => e.EventName == "JobStoreNewWithHistory");
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(engine.Store.Location, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecoverAsync_KnownJobStore_DoesNotWarn()
    {
        await using var engine = await LabJobEngine.StartAsync();
        var first = await engine.Manager.StartAsync(Specs.Group(await engine.FirstCollectionIdAsync()), "nightly-6", CancellationToken.None);
        await engine.WaitForTerminalAsync(first.Job!.Id);

        await engine.RestartAsync();

        Assert.DoesNotContain(engine.Logger.Entries, e => e.EventName == "JobStoreNewWithHistory");
    }
}
