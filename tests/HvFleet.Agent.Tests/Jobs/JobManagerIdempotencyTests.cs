using HvFleet.Agent.Jobs;
using HvFleet.Agent.Tests.Jobs.Fakes;
using HvFleet.Hypervisors;

namespace HvFleet.Agent.Tests.Jobs;

public sealed class JobManagerIdempotencyTests
{
    [Fact]
    public async Task StartAsync_SameRequestId_ReturnsSameJobAndCallsHypervisorOnce()
    {
        await using var engine = await JobEngineHarness.StartAsync();

        var first = await engine.Manager.StartAsync(Specs.Group("g1", "nightly"), "req-1", CancellationToken.None);
        var call = await engine.Hypervisor.NextCallAsync();
        var second = await engine.Manager.StartAsync(Specs.Group("g1", "nightly"), "req-1", CancellationToken.None);
        call.Complete(new OperationResult(["snap-1"]));
        await engine.WaitForStateAsync(first.Job!.Id, JobState.Completed);
        var third = await engine.Manager.StartAsync(Specs.Group("g1", "nightly"), "req-1", CancellationToken.None);

        Assert.Equal(JobStartOutcome.Created, first.Outcome);
        Assert.Equal(JobStartOutcome.Existing, second.Outcome);
        Assert.Equal(JobStartOutcome.Existing, third.Outcome);
        Assert.Equal(first.Job.Id, second.Job!.Id);
        Assert.Equal(first.Job.Id, third.Job!.Id);
        Assert.Equal(JobState.Completed, third.Job.State);
        Assert.Equal(["snap-1"], third.Job.Result!.SnapshotIds);
        Assert.Equal(1, engine.Hypervisor.CallCount);
    }

    [Fact]
    public async Task StartAsync_SameRequestIdAfterRestart_ReturnsSameJobWithoutSecondCheckpoint()
    {
        await using var engine = await JobEngineHarness.StartAsync();
        var first = await engine.StartJobAsync(Specs.Group("g1"), "req-restart");
        (await engine.Hypervisor.NextCallAsync()).Complete(new OperationResult(["snap-1"]));
        await engine.WaitForStateAsync(first.Id, JobState.Completed);

        await engine.RestartAsync();
        var replay = await engine.Manager.StartAsync(Specs.Group("g1"), "req-restart", CancellationToken.None);

        Assert.Equal(JobStartOutcome.Existing, replay.Outcome);
        Assert.Equal(first.Id, replay.Job!.Id);
        Assert.Equal(JobState.Completed, replay.Job.State);
        Assert.Equal(0, engine.Hypervisor.CallCount);
    }

    [Fact]
    public async Task StartAsync_SameRequestIdAfterCrashMidJob_ReturnsTheInterruptedJob()
    {
        await using var engine = await JobEngineHarness.StartAsync();
        var first = await engine.StartJobAsync(Specs.Group("g1"), "req-crash");
        await engine.Hypervisor.NextCallAsync();
        await engine.WaitForStateAsync(first.Id, JobState.Running);

        await engine.RestartAsync();
        var replay = await engine.Manager.StartAsync(Specs.Group("g1"), "req-crash", CancellationToken.None);

        Assert.Equal(JobStartOutcome.Existing, replay.Outcome);
        Assert.Equal(first.Id, replay.Job!.Id);
        Assert.Equal(JobState.Failed, replay.Job.State);
        Assert.Equal(0, engine.Hypervisor.CallCount);
    }

    [Fact]
    public async Task StartAsync_RequestIdReusedForDifferentRequest_ReturnsConflictNamingTheJob()
    {
        await using var engine = await JobEngineHarness.StartAsync();
        var first = await engine.StartJobAsync(Specs.Group("g1"), "req-2");

        var other = await engine.Manager.StartAsync(Specs.Group("g2"), "req-2", CancellationToken.None);

        Assert.Equal(JobStartOutcome.RequestIdConflict, other.Outcome);
        Assert.Equal(first.Id, other.Job!.Id);
        Assert.Contains("req-2", other.Message, StringComparison.Ordinal);
        Assert.Contains(first.Id, other.Message, StringComparison.Ordinal);
        Assert.Single(await engine.Store.ListAsync(null, 10, CancellationToken.None));
    }

    [Fact]
    public async Task StartAsync_ConcurrentCallsWithOneRequestId_CreateOneJob()
    {
        await using var engine = await JobEngineHarness.StartAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ =>
            Task.Run(() => engine.Manager.StartAsync(Specs.Vms("vm-1"), "req-race", CancellationToken.None))));

        Assert.Single(results, r => r.Outcome == JobStartOutcome.Created);
        Assert.All(results, r => Assert.Equal(results[0].Job!.Id, r.Job!.Id));
        await engine.Hypervisor.NextCallAsync();
        Assert.False(engine.Hypervisor.HasPendingCall);
        Assert.Single(await engine.Store.ListAsync(null, 100, CancellationToken.None));
    }

    [Fact]
    public async Task StartAsync_NoRequestId_CreatesDistinctJobs()
    {
        await using var engine = await JobEngineHarness.StartAsync(o => o.MaxConcurrentSnapshots = 1);

        var a = await engine.StartJobAsync(Specs.Delete("s1"));
        var b = await engine.StartJobAsync(Specs.Delete("s1"));

        Assert.NotEqual(a.Id, b.Id);
        Assert.Null(a.RequestId);
        Assert.Equal(BackendOperationKind.DeleteSnapshot, (await engine.Hypervisor.NextCallAsync()).Operation);
    }
}
