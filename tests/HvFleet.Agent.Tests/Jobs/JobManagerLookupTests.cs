using HvFleet.Agent.Jobs;
using HvFleet.Agent.Tests.Jobs.Fakes;
using HvFleet.Hypervisors;

namespace HvFleet.Agent.Tests.Jobs;

public sealed class JobManagerLookupTests
{
    [Fact]
    public async Task FindByRequestIdAsync_RunningJob_ReturnsItsLiveState()
    {
        await using var engine = await JobEngineHarness.StartAsync();
        var started = await engine.StartJobAsync(Specs.Group("g1"), "req-find");
        var call = await engine.Hypervisor.NextCallAsync();
        await engine.StartJobAsync(Specs.Group("g2"), "req-other");
        call.Progress(40, 400, 1000, "copying");
        await engine.WaitForAsync(started.Id, j => j.Percent == 40);

        var found = await engine.Manager.FindByRequestIdAsync("req-find", CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal(started.Id, found.Id);
        Assert.Equal("req-find", found.RequestId);
        Assert.Equal(JobState.Running, found.State);
        Assert.Equal(40, found.Percent);
        call.Complete(new OperationResult(["snap-1"]));
    }

    [Fact]
    public async Task FindByRequestIdAsync_UnknownRequestId_ReturnsNull()
    {
        await using var engine = await JobEngineHarness.StartAsync();
        await engine.StartJobAsync(Specs.Group("g1"), "req-known");

        Assert.Null(await engine.Manager.FindByRequestIdAsync("req-unknown", CancellationToken.None));
    }

    [Fact]
    public async Task FindByRequestIdAsync_AfterRestart_ReturnsTheStoredTerminalJob()
    {
        await using var engine = await JobEngineHarness.StartAsync();
        var started = await engine.StartJobAsync(Specs.Group("g1"), "req-durable");
        (await engine.Hypervisor.NextCallAsync()).Complete(new OperationResult(["snap-1"]));
        await engine.WaitForStateAsync(started.Id, JobState.Completed);

        await engine.RestartAsync();
        var found = await engine.Manager.FindByRequestIdAsync("req-durable", CancellationToken.None);

        Assert.Equal(started.Id, found?.Id);
        Assert.Equal(JobState.Completed, found!.State);
        Assert.Equal(["snap-1"], found.Result!.SnapshotIds);
    }

    [Fact]
    public async Task FindByRequestIdAsync_StartCaughtMidInsert_WaitsAndSeesTheJob()
    {
        await using var engine = await JobEngineHarness.StartAsync();
        var store = new GatedInsertJobStore(engine.OpenStore());
        var hypervisor = new FakeHypervisor();
        using var manager = JobEngines.Create(store, hypervisor, new JobOptions(), TimeProvider.System);
        await manager.RecoverAsync(CancellationToken.None);

        var start = manager.StartAsync(Specs.Group("g1"), "req-racing", CancellationToken.None);
        await store.InsertEntered.WaitAsync(JobEngineHarness.Timeout);
        var lookup = manager.FindByRequestIdAsync("req-racing", CancellationToken.None);
        Assert.False(lookup.IsCompleted);
        store.Open();

        var started = await start.WaitAsync(JobEngineHarness.Timeout);
        var found = await lookup.WaitAsync(JobEngineHarness.Timeout);
        Assert.Equal(started.Job!.Id, found?.Id);
        (await hypervisor.NextCallAsync()).Complete(OperationResult.Empty);
        using var timeout = new CancellationTokenSource(JobEngineHarness.Timeout);
        await foreach (var unused in manager.WatchAsync(started.Job.Id, timeout.Token))
        {
            // Until the job is terminal, so nothing runs past the test.
        }
    }
}
