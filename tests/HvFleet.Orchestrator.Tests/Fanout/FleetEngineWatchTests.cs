using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Tests.Fakes;

namespace HvFleet.Orchestrator.Tests.Fanout;

public sealed class FleetEngineWatchTests
{
    [Fact]
    public async Task Watch_RunningOperation_WholeFirstThenTaskChangesThenTerminalFromStore()
    {
        await using var harness = new EngineHarness();
        var agent = harness.Fleet.Add("hv1", "", "g1", "g2");
        agent.HoldJobs = true;
        var engine = harness.NewEngine();
        var started = EngineHarness.Started(await engine.StartSnapshotAsync(
            new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast }, CancellationToken.None));
        using var timeout = new CancellationTokenSource(EngineHarness.Timeout);

        var events = new List<OperationEvent>();
        await foreach (var update in (await engine.WatchAsync(started.Id, timeout.Token))!.WithCancellation(timeout.Token))
        {
            events.Add(update);
            if (update.Task is { Outcome: TaskOutcome.Running, AgentJobId.Length: > 0 })
            {
                agent.ReleaseAll();
            }
        }

        Assert.NotNull(events[0].Operation);
        Assert.Contains(events, e => e.Task is { Outcome: TaskOutcome.Succeeded });
        var last = events[^1];
        Assert.Equal(OperationState.Succeeded, last.State);
        Assert.Equal(OperationState.Succeeded, last.Operation!.State);
        Assert.Equal(2, last.Summary.Succeeded);
        Assert.Equal(last.Summary.Total, last.Summary.Done);
        Assert.True(events.Select(e => e.Sequence).SequenceEqual(events.Select(e => e.Sequence).Order()));
    }

    [Fact]
    public async Task Watch_FinishedOperation_OneEventWithTheStoredRecord()
    {
        await using var harness = new EngineHarness();
        harness.Fleet.Add("hv1", "", "g1");
        var engine = harness.NewEngine();
        var final = await EngineHarness.FinishedAsync(engine, await engine.StartSnapshotAsync(
            new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast }, CancellationToken.None));

        var events = new List<OperationEvent>();
        await foreach (var update in (await engine.WatchAsync(final.Id, CancellationToken.None))!)
        {
            events.Add(update);
        }

        var only = Assert.Single(events);
        Assert.Equal(OperationState.Succeeded, only.Operation!.State);
    }

    [Fact]
    public async Task Watch_UnknownOperation_Null()
    {
        await using var harness = new EngineHarness();
        harness.Fleet.Add("hv1", "", "g1");
        var engine = harness.NewEngine();

        Assert.Null(await engine.WatchAsync("missing", CancellationToken.None));
    }
}
