using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Tests.Fakes;
using HvFleet.Testing;

namespace HvFleet.Orchestrator.Tests.Fanout;

/// <summary>Two orchestrators on one database (two engines, each with its own store connection, like two processes):
/// a watch on the one that does not run the operation follows it through the store to its terminal state.</summary>
public sealed class FleetEngineWatchElsewhereTests
{
    [Fact]
    public async Task Watch_OnTheOrchestratorNotRunningIt_FollowsEveryChangeUntilTheTerminalState()
    {
        var time = new ManualTimeProvider();
        await using var harness = new EngineHarness(time);
        var agent = harness.Fleet.Add("hv1", "", "g1", "g2");
        agent.HoldJobs = true;
        var owner = harness.NewEngine();
        var other = harness.NewEngine();
        var started = EngineHarness.Started(await owner.StartSnapshotAsync(
            new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast }, CancellationToken.None));
        await OperationWaits.WaitForJobIdsAsync(owner, started.Id, 2);
        using var timeout = new CancellationTokenSource(EngineHarness.Timeout);
        var watch = await other.WatchAsync(started.Id, timeout.Token);
        await using var events = watch!.GetAsyncEnumerator(timeout.Token);

        Assert.True(await events.MoveNextAsync());
        var first = events.Current;
        Assert.Equal(OperationState.Running, first.State);
        Assert.Equal(2, first.Operation!.Tasks.Count(t => t.AgentJobId.Length > 0));

        // One job completes on the owner; the watcher's next read of the store (one poll later) shows it.
        agent.Jobs.Single(j => j.TargetId == "hv1-g1-id").Release.TrySetResult();
        await OperationWaits.WaitForAsync(owner, started.Id, o => o.Tasks.Any(t => t is { TargetName: "g1", Outcome: TaskOutcome.Succeeded }));
        var next = events.MoveNextAsync().AsTask();
        // Armed: the owner's lease renewal and cancel poll, and the watcher's poll.
        await harness.AdvanceWhenArmedAsync(3, harness.Options.WatchPollInterval);
        Assert.True(await next);
        var taskEvent = events.Current;
        Assert.Equal(("g1", TaskOutcome.Succeeded), (taskEvent.Task?.TargetName, taskEvent.Task?.Outcome));
        Assert.Equal(OperationState.Running, taskEvent.State);
        Assert.Equal(1, taskEvent.Summary.Succeeded);

        // The other ends, and with it the operation; the watch ends with the terminal state from the store.
        agent.Jobs.Single(j => j.TargetId == "hv1-g2-id").Release.TrySetResult();
        Assert.Equal(OperationState.Succeeded, (await owner.WaitAsync(started.Id, timeout.Token))!.State);
        var rest = new List<OperationEvent>();
        next = events.MoveNextAsync().AsTask();
        await harness.AdvanceWhenArmedAsync(1, harness.Options.WatchPollInterval);
        while (await next)
        {
            rest.Add(events.Current);
            next = events.MoveNextAsync().AsTask();
        }

        var last = Assert.Single(rest);
        Assert.Equal(OperationState.Succeeded, last.State);
        Assert.All(last.Operation!.Tasks, t => Assert.Equal(TaskOutcome.Succeeded, t.Outcome));
        Assert.True(last.Sequence > taskEvent.Sequence);
    }
}
