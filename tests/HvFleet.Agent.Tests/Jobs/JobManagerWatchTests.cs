using HvFleet.Agent.Jobs;
using HvFleet.Agent.Tests.Jobs.Fakes;
using HvFleet.Hypervisors;

namespace HvFleet.Agent.Tests.Jobs;

public sealed class JobManagerWatchTests
{
    [Fact]
    public async Task WatchAsync_RunningJob_YieldsCurrentStateFirstThenEveryChange()
    {
        await using var engine = await JobEngineHarness.StartAsync();
        var job = await engine.StartJobAsync(Specs.Group("g1"));
        var call = await engine.Hypervisor.NextCallAsync();
        var running = await engine.WaitForStateAsync(job.Id, JobState.Running);

        using var cts = new CancellationTokenSource(JobEngineHarness.Timeout);
        await using var watch = engine.Manager.WatchAsync(job.Id, cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await watch.MoveNextAsync());
        var first = watch.Current;
        call.Progress(10, 100, 1000, "copying");
        Assert.True(await watch.MoveNextAsync());
        var second = watch.Current;
        call.Progress(50, 500, 1000);
        Assert.True(await watch.MoveNextAsync());
        var third = watch.Current;
        call.Complete(new OperationResult(["snap-9"], Bytes: 1000));
        Assert.True(await watch.MoveNextAsync());
        var last = watch.Current;
        Assert.False(await watch.MoveNextAsync());

        Assert.Equal(JobState.Running, first.State);
        Assert.Equal(running.Sequence, first.Sequence);
        Assert.Equal((10, 100L, 1000L, "copying"), (second.Percent, second.BytesDone, second.BytesTotal, second.StatusText));
        Assert.Equal((50, 500L), (third.Percent, third.BytesDone));
        Assert.Equal("copying", third.StatusText);
        Assert.Equal(JobState.Completed, last.State);
        Assert.Equal(100, last.Percent);
        Assert.Equal(["snap-9"], last.Result!.SnapshotIds);
        Assert.Equal([first.Sequence + 1, first.Sequence + 2, first.Sequence + 3], new[] { second.Sequence, third.Sequence, last.Sequence });
    }

    [Fact]
    public async Task WatchAsync_FromCreation_SeesPendingRunningAndTerminal()
    {
        await using var engine = await JobEngineHarness.StartAsync(o => o.MaxConcurrentSnapshots = 1);
        await engine.StartJobAsync(Specs.Group("g0"));
        var blocker = await engine.Hypervisor.NextCallAsync();
        var job = await engine.StartJobAsync(Specs.Group("g1"));
        using var cts = new CancellationTokenSource(JobEngineHarness.Timeout);
        var seen = new List<AgentJob>();
        var watching = Task.Run(async () =>
        {
            await foreach (var state in engine.Manager.WatchAsync(job.Id, cts.Token))
            {
                seen.Add(state);
                if (state.State == JobState.Pending)
                {
                    blocker.Complete(OperationResult.Empty);
                }
            }
        });

        var call = await engine.Hypervisor.NextCallAsync();
        call.Complete(OperationResult.Empty);
        await watching.WaitAsync(JobEngineHarness.Timeout);

        Assert.Equal([JobState.Pending, JobState.Running, JobState.Completed], seen.Select(s => s.State));
        Assert.Equal(seen.OrderBy(s => s.Sequence).Select(s => s.Sequence), seen.Select(s => s.Sequence));
    }

    [Fact]
    public async Task WatchAsync_SlowWatcher_DoesNotBlockTheJobAndStillGetsTheTerminalState()
    {
        await using var engine = await JobEngineHarness.StartAsync(o => o.WatcherBufferCapacity = 4);
        var job = await engine.StartJobAsync(Specs.Group("g1"));
        var call = await engine.Hypervisor.NextCallAsync();
        await engine.WaitForStateAsync(job.Id, JobState.Running);
        using var cts = new CancellationTokenSource(JobEngineHarness.Timeout);
        await using var slow = engine.Manager.WatchAsync(job.Id, cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await slow.MoveNextAsync());

        // The slow watcher reads nothing while the job reports 1000 changes and finishes.
        for (var i = 1; i <= 1000; i++)
        {
            call.Progress(i / 10, i, 1000);
        }

        call.Complete(new OperationResult(["snap"]));
        var done = await engine.WaitForStateAsync(job.Id, JobState.Completed);
        var received = new List<AgentJob>();
        while (await slow.MoveNextAsync())
        {
            received.Add(slow.Current);
        }

        Assert.InRange(received.Count, 1, 4);
        Assert.Equal(JobState.Completed, received[^1].State);
        Assert.Equal(done.Sequence, received[^1].Sequence);
        Assert.True(received.Zip(received.Skip(1)).All(p => p.First.Sequence < p.Second.Sequence));
    }

    [Fact]
    public async Task WatchAsync_ThousandWatchers_AllGetEveryStateUpToTerminal()
    {
        await using var engine = await JobEngineHarness.StartAsync();
        var job = await engine.StartJobAsync(Specs.Group("g1"));
        var call = await engine.Hypervisor.NextCallAsync();
        await engine.WaitForStateAsync(job.Id, JobState.Running);
        using var cts = new CancellationTokenSource(JobEngineHarness.Timeout);
        var subscribed = new CountdownEvent(1000);
        var watchers = Enumerable.Range(0, 1000).Select(_ => Task.Run(async () =>
        {
            var states = new List<AgentJob>();
            await foreach (var state in engine.Manager.WatchAsync(job.Id, cts.Token))
            {
                if (states.Count == 0)
                {
                    subscribed.Signal();
                }

                states.Add(state);
            }

            return states;
        })).ToArray();
        await Task.Run(() => subscribed.Wait(cts.Token));

        call.Progress(50, 5, 10);
        call.Complete(OperationResult.Empty);
        var results = await Task.WhenAll(watchers).WaitAsync(JobEngineHarness.Timeout);

        Assert.All(results, states =>
        {
            Assert.Equal(JobState.Completed, states[^1].State);
            Assert.Contains(states, s => s.Percent == 50 && s.State == JobState.Running);
        });
    }

    [Fact]
    public async Task WatchAsync_FinishedJob_YieldsTheStoredStateOnce()
    {
        await using var engine = await JobEngineHarness.StartAsync();
        var job = await engine.StartJobAsync(Specs.Group("g1"));
        (await engine.Hypervisor.NextCallAsync()).Fail(HypervisorException.InUse("VM busy"));
        await engine.WaitForStateAsync(job.Id, JobState.Failed);

        var states = new List<AgentJob>();
        await foreach (var state in engine.Manager.WatchAsync(job.Id, CancellationToken.None))
        {
            states.Add(state);
        }

        var only = Assert.Single(states);
        Assert.Equal(JobState.Failed, only.State);
        Assert.Equal(HyperVCodes.MsvmSystemInUse, only.Error!.HyperVCode);
    }

    [Fact]
    public async Task WatchAsync_UnknownJob_YieldsNothing()
    {
        await using var engine = await JobEngineHarness.StartAsync();

        await foreach (var _ in engine.Manager.WatchAsync("missing", CancellationToken.None))
        {
            Assert.Fail("an unknown job has no states");
        }
    }

    [Fact]
    public async Task WatchAsync_WatcherCancelled_UnsubscribesWithoutAffectingTheJob()
    {
        await using var engine = await JobEngineHarness.StartAsync();
        var job = await engine.StartJobAsync(Specs.Group("g1"));
        var call = await engine.Hypervisor.NextCallAsync();
        await engine.WaitForStateAsync(job.Id, JobState.Running);
        using var cts = new CancellationTokenSource();
        await using (var watch = engine.Manager.WatchAsync(job.Id, cts.Token).GetAsyncEnumerator(cts.Token))
        {
            Assert.True(await watch.MoveNextAsync());
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await watch.MoveNextAsync());
        }

        call.Complete(OperationResult.Empty);
        Assert.Equal(JobState.Completed, (await engine.WaitForStateAsync(job.Id, JobState.Completed)).State);
    }
}
