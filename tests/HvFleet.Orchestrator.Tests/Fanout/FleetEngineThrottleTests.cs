using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Tests.Fakes;
using HvFleet.Testing;

namespace HvFleet.Orchestrator.Tests.Fanout;

/// <summary>An agent refuses a call under its call limit and says when to retry (RESOURCE_EXHAUSTED with a retry
/// pushback): the task waits that long, on the manual clock, instead of its own short backoff, and such refusals do not
/// use up the policy's retries.</summary>
public sealed class FleetEngineThrottleTests
{
    [Fact]
    public async Task StartSnapshot_AgentSaysRetryAfter_WaitsThatLongInsteadOfItsBackoff()
    {
        var time = new ManualTimeProvider();
        await using var harness = new EngineHarness(time);
        var agent = harness.Fleet.Add("hv1", "", "g1");
        var retryAfter = TimeSpan.FromSeconds(20);
        agent.ThrottleNextMutations(1, retryAfter);
        var engine = harness.NewEngine();
        var begin = time.GetUtcNow();

        // The policy's own backoff is 1-4 ms.
        var started = EngineHarness.Started(await engine.StartSnapshotAsync(
            new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast with { MaxRetries = 2 } }, CancellationToken.None));
        FleetTask? retrying = null;
        await OperationWaits.WaitForAsync(engine, started.Id, o => (retrying = o.Tasks.FirstOrDefault(t => t.Outcome == TaskOutcome.Retrying)) is not null);

        Assert.Equal("retrying in 20 s, as the agent asked, after: injected call limit", retrying!.StatusText);

        // Armed: the lease renewal, the cancel poll and the retry's wait. Up to a millisecond before the time the agent named, nothing.
        await harness.AdvanceWhenArmedAsync(3, retryAfter - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, agent.MutatingCalls);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var final = await EngineHarness.FinishedAsync(engine, started);

        var task = Assert.Single(final.Tasks);
        Assert.Equal(TaskOutcome.Succeeded, task.Outcome);
        Assert.Equal(2, task.Attempts);
        Assert.Equal(2, agent.MutatingCalls);
        Assert.True(task.FinishedAt - begin >= retryAfter, $"retried {task.FinishedAt - begin} after the start, before the {retryAfter} the agent asked for");
    }

    [Fact]
    public async Task StartSnapshot_RefusalsWithRetryAfter_DoNotUseUpTheRetries()
    {
        var time = new ManualTimeProvider();
        await using var harness = new EngineHarness(time);
        var agent = harness.Fleet.Add("hv1", "", "g1");
        agent.ThrottleNextMutations(3, TimeSpan.FromSeconds(5));
        var engine = harness.NewEngine();

        var started = EngineHarness.Started(await engine.StartSnapshotAsync(
            new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast with { MaxRetries = 0 } }, CancellationToken.None));
        for (int refusal = 1; refusal <= 3; refusal++)
        {
            await OperationWaits.WaitForAsync(engine, started.Id, o => o.Tasks.Any(t => t.Outcome == TaskOutcome.Retrying && t.Attempts == refusal));
            await harness.AdvanceWhenArmedAsync(3, TimeSpan.FromSeconds(5));
        }

        var final = await EngineHarness.FinishedAsync(engine, started);

        var task = Assert.Single(final.Tasks);
        Assert.Equal(TaskOutcome.Succeeded, task.Outcome);
        Assert.Equal(4, task.Attempts);
        Assert.Equal(1, Assert.Single(agent.ExecutionsByRequestId).Value);
    }

    [Fact]
    public async Task StartSnapshot_AgentBusyWithoutRetryAfter_StillUsesThePolicysRetries()
    {
        await using var harness = new EngineHarness();
        var agent = harness.Fleet.Add("hv1", "", "g1");
        agent.FailNextMutations(HvFleet.Orchestrator.Agents.AgentStatusCode.ResourceExhausted);
        var engine = harness.NewEngine();

        var final = await EngineHarness.FinishedAsync(engine, await engine.StartSnapshotAsync(
            new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast with { MaxRetries = 0 } }, CancellationToken.None));

        var task = Assert.Single(final.Tasks);
        Assert.Equal(TaskOutcome.Failed, task.Outcome);
        Assert.Equal(1, task.Attempts);
    }
}
