using HvFleet.Agent.Jobs;
using HvFleet.Agent.Tests.Jobs.Fakes;
using HvFleet.Hypervisors;

namespace HvFleet.Agent.Tests.Jobs;

public sealed class JobManagerDrainTests
{
    [Fact]
    public async Task DrainAsync_JobFinishesWithinGrace_CompletesAndNewJobsAreRefused()
    {
        await using var engine = await JobEngineHarness.StartAsync(o => o.DrainGracePeriod = TimeSpan.FromSeconds(30));
        var job = await engine.StartJobAsync(Specs.Group("g1"));
        var call = await engine.Hypervisor.NextCallAsync();
        await engine.WaitForStateAsync(job.Id, JobState.Running);

        var drain = engine.Manager.DrainAsync(CancellationToken.None);
        var refused = await engine.Manager.StartAsync(Specs.Group("g2"), null, CancellationToken.None);
        Assert.False(drain.IsCompleted);
        call.Complete(new OperationResult(["snap"]));
        await drain.WaitAsync(JobEngineHarness.Timeout);

        Assert.Equal(JobStartOutcome.Unavailable, refused.Outcome);
        Assert.Contains("shutting down", refused.Message, StringComparison.Ordinal);
        Assert.False(engine.Manager.IsAccepting);
        Assert.False(call.Token.IsCancellationRequested);
        Assert.Equal(JobState.Completed, (await engine.Store.GetAsync(job.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task DrainAsync_GraceExpires_CancelsRunningJobAndRecordsAgentStopped()
    {
        await using var engine = await JobEngineHarness.StartAsync(o => o.DrainGracePeriod = TimeSpan.Zero);
        var job = await engine.StartJobAsync(Specs.Group("g1"));
        var call = await engine.Hypervisor.NextCallAsync();
        await engine.WaitForStateAsync(job.Id, JobState.Running);

        await engine.Manager.DrainAsync(CancellationToken.None).WaitAsync(JobEngineHarness.Timeout);
        var stored = (await engine.Store.GetAsync(job.Id, CancellationToken.None))!;

        Assert.True(call.Token.IsCancellationRequested);
        Assert.Equal(JobState.Failed, stored.State);
        Assert.Equal(HyperVCodeFamily.Agent, stored.Error!.Family);
        Assert.Equal("Agent stopped", stored.Error.Summary);
    }

    [Fact]
    public async Task DrainAsync_QueuedJobs_FailAsAgentStoppedWithoutRunning()
    {
        await using var engine = await JobEngineHarness.StartAsync(o =>
        {
            o.MaxConcurrentSnapshots = 1;
            o.DrainGracePeriod = TimeSpan.FromSeconds(30);
        });
        var running = await engine.StartJobAsync(Specs.Group("g1"));
        var call = await engine.Hypervisor.NextCallAsync();
        var queued = await engine.StartJobAsync(Specs.Group("g2"));

        var drain = engine.Manager.DrainAsync(CancellationToken.None);
        var queuedFinal = await engine.WaitForAsync(queued.Id, j => j.State.IsTerminal());
        call.Complete(OperationResult.Empty);
        await drain.WaitAsync(JobEngineHarness.Timeout);

        Assert.Equal(JobState.Failed, queuedFinal.State);
        Assert.Contains("before the job started", queuedFinal.Error!.Description, StringComparison.Ordinal);
        Assert.Equal(JobState.Completed, (await engine.Store.GetAsync(running.Id, CancellationToken.None))!.State);
        Assert.Equal(1, engine.Hypervisor.CallCount);
    }

    [Fact]
    public async Task DrainAsync_BackendIgnoresCancellationUntilHostTimeout_RecordsJobStoppedAnyway()
    {
        await using var engine = await JobEngineHarness.StartAsync(o => o.DrainGracePeriod = TimeSpan.Zero);
        engine.Hypervisor.HonourCancellation = false;
        var job = await engine.StartJobAsync(Specs.Group("g1"));
        var call = await engine.Hypervisor.NextCallAsync();
        await engine.WaitForStateAsync(job.Id, JobState.Running);
        using var hostTimeout = new CancellationTokenSource();

        var drain = engine.Manager.DrainAsync(hostTimeout.Token);
        await call.Cancelled.WaitAsync(JobEngineHarness.Timeout);
        Assert.False(drain.IsCompleted);
        await hostTimeout.CancelAsync();
        await drain.WaitAsync(JobEngineHarness.Timeout);
        var stored = (await engine.Store.GetAsync(job.Id, CancellationToken.None))!;
        call.Complete(new OperationResult(["too-late"]));

        Assert.Equal(JobState.Failed, stored.State);
        Assert.Equal("Agent stopped", stored.Error!.Summary);
        Assert.Equal(JobState.Failed, (await engine.WaitForAsync(job.Id, j => j.State.IsTerminal())).State);
    }

    [Fact]
    public async Task DrainAsync_NothingRunning_ReturnsAtOnce()
    {
        await using var engine = await JobEngineHarness.StartAsync();

        await engine.Manager.DrainAsync(CancellationToken.None).WaitAsync(JobEngineHarness.Timeout);

        Assert.False(engine.Manager.IsAccepting);
    }

    [Fact]
    public async Task DrainAsync_CalledTwice_SecondWaitsForTheFirst()
    {
        await using var engine = await JobEngineHarness.StartAsync(o => o.DrainGracePeriod = TimeSpan.FromSeconds(30));
        var job = await engine.StartJobAsync(Specs.Group("g1"));
        var call = await engine.Hypervisor.NextCallAsync();
        await engine.WaitForStateAsync(job.Id, JobState.Running);

        var first = engine.Manager.DrainAsync(CancellationToken.None);
        var second = engine.Manager.DrainAsync(CancellationToken.None);
        Assert.False(second.IsCompleted);
        call.Complete(OperationResult.Empty);
        await Task.WhenAll(first, second).WaitAsync(JobEngineHarness.Timeout);

        Assert.Equal(JobState.Completed, (await engine.Store.GetAsync(job.Id, CancellationToken.None))!.State);
    }
}
