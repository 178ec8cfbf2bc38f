using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Policy;
using HvFleet.Orchestrator.Tests.Fakes;

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
        var started = EngineHarness.Started(await engine.StartSnapshotAsync(new SnapshotRequest
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
        var started = EngineHarness.Started(await engine.StartSnapshotAsync(new SnapshotRequest
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

        var final = await EngineHarness.FinishedAsync(engine, await engine.StartSnapshotAsync(new SnapshotRequest
        {
            Hosts = HostSelector.Everything,
            Policy = new FleetPolicy { CleanupOnFailure = true, RetryBackoff = TimeSpan.Zero, RetryBackoffMax = TimeSpan.Zero },
        }, CancellationToken.None));

        Assert.Equal(OperationState.PartiallyFailed, final.State);
        Assert.Equal(Assert.Single(final.Tasks, t => t.HostName == "ok").SnapshotIds, ok.DeletedSnapshots);
        Assert.Contains("cleanup removed", final.Message, StringComparison.Ordinal);
    }
}
