using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Tests.Fakes;

namespace HvFleet.Orchestrator.Tests.Fanout;

public sealed class FleetEngineResumeTests
{
    [Fact]
    public async Task Resume_OrchestratorRestartedMidOperation_ReattachesWithoutSecondCheckpoint()
    {
        await using var harness = new EngineHarness();
        for (int i = 1; i <= 4; i++)
        {
            harness.Fleet.Add($"hv{i}", "", "sql", "web").HoldJobs = true;
        }

        harness.Fleet.Add("hv5", "", "sql", "web"); // done before the restart
        var first = harness.NewEngine();
        var started = EngineHarness.Started(await first.StartSnapshotAsync(new FleetSnapshotRequest
        {
            Hosts = HostSelector.Everything,
            Policy = Policies.Fast with { MaxJobsPerHost = 2 },
        }, CancellationToken.None));
        await OperationWaits.WaitForAsync(first, started.Id,
            o => o.Tasks.Count(t => t.AgentJobId.Length > 0 && t.Outcome == TaskOutcome.Running) == 8
                && o.Tasks.Count(t => t.Outcome == TaskOutcome.Succeeded) == 2);

        // The orchestrator goes away; the agents' jobs keep running.
        await first.DisposeAsync();
        var stored = await harness.NewStore().GetAsync(started.Id, CancellationToken.None);
        Assert.Equal(OperationState.Running, stored!.State);
        Assert.Equal(8, stored.Tasks.Count(t => t.Outcome == TaskOutcome.Running && t.AgentJobId.Length > 0));

        var second = harness.NewEngine();
        Assert.Equal(1, await second.ResumeUnfinishedAsync(CancellationToken.None));
        foreach (var agent in harness.Fleet.Agents)
        {
            agent.ReleaseAll();
        }

        var final = await second.WaitAsync(started.Id, CancellationToken.None);

        Assert.Equal(OperationState.Succeeded, final!.State);
        Assert.All(final.Tasks, t => Assert.Equal(TaskOutcome.Succeeded, t.Outcome));
        foreach (var agent in harness.Fleet.Agents)
        {
            Assert.All(agent.ExecutionsByRequestId.Values, n => Assert.Equal(1, n));
            Assert.Equal(2, agent.SnapshotsByTarget.Count);
            Assert.All(agent.SnapshotsByTarget.Values, n => Assert.Equal(1, n));
        }
    }

    [Fact]
    public async Task Resume_RestartBeforeJobIdKnown_SameRequestIdReturnsSameJob()
    {
        await using var harness = new EngineHarness();
        var agent = harness.Fleet.Add("hv1", "", "g1");
        agent.HoldJobs = true;
        var first = harness.NewEngine();
        var started = EngineHarness.Started(await first.StartSnapshotAsync(
            new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast }, CancellationToken.None));
        await OperationWaits.WaitForJobIdsAsync(first, started.Id, 1);
        await first.DisposeAsync();

        // Simulate a crash between the agent creating the job and the orchestrator recording its id.
        var store = harness.NewStore();
        var stored = await store.GetAsync(started.Id, CancellationToken.None);
        await store.UpdateTaskAsync(started.Id, stored!.Tasks[0] with { AgentJobId = "" }, CancellationToken.None);

        var second = harness.NewEngine();
        await second.ResumeUnfinishedAsync(CancellationToken.None);
        agent.ReleaseAll();
        var final = await second.WaitAsync(started.Id, CancellationToken.None);

        Assert.Equal(OperationState.Succeeded, final!.State);
        Assert.Equal(1, Assert.Single(agent.ExecutionsByRequestId).Value);
        Assert.Equal(2, agent.MutatingCalls);
        Assert.Equal(1, agent.SnapshotsByTarget.Values.Single());
    }

    [Fact]
    public async Task Resume_OperationLeasedByLiveOrchestrator_NotTakenOver()
    {
        await using var harness = new EngineHarness();
        harness.Fleet.Add("hv1", "", "g1").HoldJobs = true;
        var owner = harness.NewEngine();
        var started = EngineHarness.Started(await owner.StartSnapshotAsync(
            new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast }, CancellationToken.None));
        await OperationWaits.WaitForJobIdsAsync(owner, started.Id, 1);

        var other = harness.NewEngine();

        Assert.Equal(0, await other.ResumeUnfinishedAsync(CancellationToken.None));
        harness.Fleet["hv1"].ReleaseAll();
        Assert.Equal(OperationState.Succeeded, (await owner.WaitAsync(started.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task Resume_LeaseOfACrashedOrchestratorOnThisMachine_TakenOverAtOnce()
    {
        await using var harness = new EngineHarness();
        var agent = harness.Fleet.Add("hv1", "", "g1");
        agent.HoldJobs = true;
        var first = harness.NewEngine();
        var started = EngineHarness.Started(await first.StartSnapshotAsync(
            new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast }, CancellationToken.None));
        await OperationWaits.WaitForJobIdsAsync(first, started.Id, 1);
        await first.DisposeAsync();

        // As a crash leaves it: the lease held for an hour by an orchestrator of this machine whose process is gone.
        string gone = $"{Environment.MachineName}/{Environment.ProcessId}/0dead0ff";
        Assert.True(await harness.NewStore().TryAcquireLeaseAsync(started.Id, gone, DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None));

        var second = harness.NewEngine();
        Assert.Equal(1, await second.ResumeUnfinishedAsync(CancellationToken.None));
        agent.ReleaseAll();

        Assert.Equal(OperationState.Succeeded, (await second.WaitAsync(started.Id, CancellationToken.None))!.State);
        Assert.Equal(1, Assert.Single(agent.ExecutionsByRequestId).Value);
    }
}
