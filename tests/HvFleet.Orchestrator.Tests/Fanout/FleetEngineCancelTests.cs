using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Policy;
using HvFleet.Orchestrator.Tests.Fakes;
using HvFleet.Testing;

namespace HvFleet.Orchestrator.Tests.Fanout;

public sealed class FleetEngineCancelTests
{
    [Fact]
    public async Task Cancel_WhileJobsRun_CancelReachesEveryAgentJob()
    {
        await using var harness = new EngineHarness();
        for (int i = 1; i <= 3; i++)
        {
            harness.Fleet.Add($"hv{i}", "", "g1", "g2").HoldJobs = true;
        }

        harness.Fleet.Add("later", "", "g1");
        var engine = harness.NewEngine();
        var started = EngineHarness.Started(await engine.StartSnapshotAsync(new FleetSnapshotRequest
        {
            Hosts = HostSelector.Everything,
            Policy = Policies.Fast with { MaxJobsPerHost = 2, MaxHostsInFlight = 3 },
        }, CancellationToken.None));
        await harness.Fleet.WaitForJobsStartedAsync(6);
        await OperationWaits.WaitForJobIdsAsync(engine, started.Id, 6);

        var cancelling = await engine.CancelAsync(started.Id, CancellationToken.None);
        var final = await engine.WaitAsync(started.Id, CancellationToken.None);

        Assert.True(cancelling.IsSuccess);
        Assert.Equal(OperationState.Cancelled, final!.State);
        var jobIds = harness.Fleet.Agents.SelectMany(a => a.Jobs).Select(j => j.State.Id).ToList();
        Assert.Equal(6, jobIds.Count);
        Assert.All(jobIds, id => Assert.Contains(id, harness.Fleet.Agents.SelectMany(a => a.CancelRequests)));
        Assert.All(harness.Fleet.Agents.SelectMany(a => a.Jobs), j => Assert.Equal(HvFleet.Orchestrator.Agents.AgentJobState.Cancelled, j.State.State));
        Assert.Equal(7, final.Tasks.Count(t => t.Outcome == TaskOutcome.Cancelled));
        Assert.Equal(0, harness.Fleet["later"].MutatingCalls);
    }

    [Fact]
    public async Task Cancel_WithCleanupPolicy_DeletesCheckpointsAlreadyTaken()
    {
        await using var harness = new EngineHarness();
        var quick = harness.Fleet.Add("quick", "", "g1");
        var held = harness.Fleet.Add("held", "", "g1");
        held.HoldJobs = true;
        var engine = harness.NewEngine();
        var started = EngineHarness.Started(await engine.StartSnapshotAsync(new FleetSnapshotRequest
        {
            Hosts = HostSelector.Everything,
            Policy = Policies.Fast with { CleanupOnFailure = true },
        }, CancellationToken.None));
        await OperationWaits.WaitForJobIdsAsync(engine, started.Id, 2);
        await OperationWaits.WaitForOutcomeAsync(engine, started.Id, "quick", TaskOutcome.Succeeded);

        await engine.CancelAsync(started.Id, CancellationToken.None);
        var final = await engine.WaitAsync(started.Id, CancellationToken.None);

        Assert.Equal(OperationState.Cancelled, final!.State);
        var quickTask = Assert.Single(final.Tasks, t => t.HostName == "quick");
        Assert.True(quickTask.CleanedUp);
        Assert.Equal(quickTask.SnapshotIds, quick.DeletedSnapshots);
        Assert.Empty(held.DeletedSnapshots);
    }

    [Fact]
    public async Task Cleanup_PartialFailure_DeletesOnlyWhatThisOperationCreated()
    {
        await using var harness = new EngineHarness();
        var ok = harness.Fleet.Add("ok", "", "g1");
        harness.Fleet.Add("bad", "", "g1").FailJobs = true;
        var engine = harness.NewEngine();

        var final = await EngineHarness.FinishedAsync(engine, await engine.StartSnapshotAsync(new FleetSnapshotRequest
        {
            Hosts = HostSelector.Everything,
            Policy = new FleetPolicy { CleanupOnFailure = true, RetryBackoff = TimeSpan.Zero, RetryBackoffMax = TimeSpan.Zero },
        }, CancellationToken.None));

        Assert.Equal(OperationState.PartiallyFailed, final.State);
        Assert.Equal(Assert.Single(final.Tasks, t => t.HostName == "ok").SnapshotIds, ok.DeletedSnapshots);
        Assert.Contains("cleanup removed", final.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_ThroughAnotherOrchestrator_OwnerNoticesWithinASecondAndCancelsAgentJobs()
    {
        // Two engines with their own store connections on one database file, like two processes; default lease (30 s).
        await using var harness = new EngineHarness(new ManualTimeProvider());
        harness.Fleet.Add("hv1", "", "g1").HoldJobs = true;
        var owner = harness.NewEngine();
        var other = harness.NewEngine();
        var started = EngineHarness.Started(await owner.StartSnapshotAsync(
            new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast }, CancellationToken.None));
        await OperationWaits.WaitForJobIdsAsync(owner, started.Id, 1);

        var marked = await other.CancelAsync(started.Id, CancellationToken.None);
        // Armed: the owner's lease renewal and its cancel poll. One second later the owner has seen the cancel.
        await harness.AdvanceWhenArmedAsync(2, TimeSpan.FromSeconds(1));
        using var timeout = new CancellationTokenSource(EngineHarness.Timeout);
        var final = await owner.WaitAsync(started.Id, timeout.Token);

        Assert.Equal(OperationState.Cancelling, marked.Value!.State);
        Assert.Equal(OperationState.Cancelled, final!.State);
        Assert.Contains(Assert.Single(final.Tasks).AgentJobId, harness.Fleet["hv1"].CancelRequests);
    }
}
