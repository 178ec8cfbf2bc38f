using HvFleet.Orchestrator.Fanout;
using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Tests.Fakes;
using HvFleet.Testing;

namespace HvFleet.Orchestrator.Tests.Fanout;

public sealed class FleetEngineRetryTests
{
    [Fact]
    public async Task Retry_AfterPartialFailure_RunsOnlyTheFailedTargets()
    {
        await using var harness = new EngineHarness();
        var good = harness.Fleet.Add("good", "", "g1", "g2");
        var bad = harness.Fleet.Add("bad", "", "g1");
        bad.FailJobs = true;
        var down = harness.Fleet.Add("down", "", "g1");
        down.Unreachable = true;
        var engine = harness.NewEngine();
        var first = await EngineHarness.FinishedAsync(engine, await engine.StartSnapshotAsync(
            new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast with { MaxRetries = 0 } }, CancellationToken.None));
        Assert.Equal(OperationState.PartiallyFailed, first.State);

        bad.FailJobs = false;
        down.Unreachable = false;
        var retry = await EngineHarness.FinishedAsync(engine, await engine.RetryAsync(
            new RetryRequest { OperationId = first.Id }, CancellationToken.None));

        Assert.Equal(OperationState.Succeeded, retry.State);
        Assert.Equal(first.Id, retry.RetryOf);
        Assert.Equal(["bad", "down"], retry.Tasks.Select(t => t.HostName).Order());
        // The unreachable host's targets were unknown at first; the retry listed them.
        Assert.Equal("g1", Assert.Single(retry.Tasks, t => t.HostName == "down").TargetName);
        Assert.Equal(2, good.ExecutionsByRequestId.Count);
        Assert.All(retry.Tasks, t => Assert.StartsWith($"op-{retry.Id}/", t.RequestId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retry_OldJobCompletedLater_AdoptsItWithoutSnapshottingAgain()
    {
        await using var harness = new EngineHarness(new ManualTimeProvider());
        var slow = harness.Fleet.Add("slow", "", "g1");
        slow.HoldJobs = true;
        slow.IgnoreCancel = true; // past its cancellable point: it goes on and completes
        var engine = harness.NewEngine();
        var first = await TimedOutFirstAsync(harness, engine);
        var timedOut = Assert.Single(first.Tasks);
        Assert.Equal(TaskOutcome.TimedOut, timedOut.Outcome);

        slow.ReleaseAll();
        var oldJob = Assert.Single(slow.Jobs);
        await WaitUntilTerminalAsync(oldJob);
        var retry = await EngineHarness.FinishedAsync(engine, await engine.RetryAsync(
            new RetryRequest { OperationId = first.Id }, CancellationToken.None));

        var adopted = Assert.Single(retry.Tasks);
        Assert.Equal(TaskOutcome.Succeeded, adopted.Outcome);
        Assert.Equal(timedOut.AgentJobId, adopted.AgentJobId);
        Assert.Equal(timedOut.AgentJobId, adopted.PreviousJobId);
        Assert.Equal($"snap-{timedOut.AgentJobId}", Assert.Single(adopted.SnapshotIds));
        Assert.Equal(0, adopted.Attempts);
        Assert.Equal(1, slow.SnapshotsByTarget.Values.Sum());
        Assert.Single(slow.ExecutionsByRequestId);
    }

    [Fact]
    public async Task Retry_OldJobStillRunning_FollowsItInsteadOfStartingAnother()
    {
        await using var harness = new EngineHarness(new ManualTimeProvider());
        var slow = harness.Fleet.Add("slow", "", "g1");
        slow.HoldJobs = true;
        slow.IgnoreCancel = true;
        var engine = harness.NewEngine();
        var first = await TimedOutFirstAsync(harness, engine);

        var started = EngineHarness.Started(await engine.RetryAsync(
            new RetryRequest { OperationId = first.Id, Policy = Policies.Fast }, CancellationToken.None));
        // The run may get there before the watch subscribes: the condition is checked on the whole operation (the
        // watch's first event) too, not only on later task events (waiting for a task event that was published before
        // the subscription hung this test).
        await OperationWaits.WaitForAsync(engine, started.Id, o => o.Tasks.Any(t => t is { Outcome: TaskOutcome.Running, AgentJobId.Length: > 0 }));

        slow.ReleaseAll();
        var retry = await engine.WaitAsync(started.Id, CancellationToken.None);

        Assert.Equal(OperationState.Succeeded, retry!.State);
        Assert.Equal(Assert.Single(first.Tasks).AgentJobId, Assert.Single(retry.Tasks).AgentJobId);
        Assert.Single(slow.ExecutionsByRequestId);
        Assert.Equal(1, slow.SnapshotsByTarget.Values.Sum());
    }

    [Fact]
    public async Task Retry_NothingFailed_Refused()
    {
        await using var harness = new EngineHarness();
        harness.Fleet.Add("hv1", "", "g1");
        var engine = harness.NewEngine();
        var first = await EngineHarness.FinishedAsync(engine, await engine.StartSnapshotAsync(
            new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast }, CancellationToken.None));

        var retry = await engine.RetryAsync(new RetryRequest { OperationId = first.Id }, CancellationToken.None);

        Assert.False(retry.IsSuccess);
        Assert.Equal(FleetErrorCode.FailedPrecondition, retry.Error.Code);
    }

    /// <summary>A snapshot of the one host whose attempt times out (manual clock) with no retry left, its job left running.</summary>
    private static async Task<FleetOperation> TimedOutFirstAsync(EngineHarness harness, FleetEngine engine)
    {
        var timeout = TimeSpan.FromMilliseconds(100);
        var started = EngineHarness.Started(await engine.StartSnapshotAsync(new FleetSnapshotRequest
        {
            Hosts = HostSelector.Everything,
            Policy = Policies.Fast with { HostTimeout = timeout, MaxRetries = 0 },
        }, CancellationToken.None));
        await OperationWaits.WaitForJobIdsAsync(engine, started.Id, 1);

        // Armed: the lease renewal, the cancel poll and the attempt's timeout.
        await harness.AdvanceWhenArmedAsync(3, timeout);
        return await EngineHarness.FinishedAsync(engine, started);
    }

    private static async Task WaitUntilTerminalAsync(FakeJob job)
    {
        using var timeout = new CancellationTokenSource(EngineHarness.Timeout);
        while (true)
        {
            var (state, changed) = job.Observe();
            if (state.IsTerminal)
            {
                return;
            }

            await changed.WaitAsync(timeout.Token);
        }
    }
}
