using HvFleet.Agent.Jobs;
using HvFleet.Agent.Tests.Jobs.Fakes;
using HvFleet.Hypervisors;

namespace HvFleet.Agent.Tests.Jobs;

public sealed class JobManagerCancellationTests
{
    [Fact]
    public async Task CancelAsync_PendingJob_CancelledAtOnceAndNeverRuns()
    {
        await using var engine = await JobEngineHarness.StartAsync(o => o.MaxConcurrentSnapshots = 1);
        var running = await engine.StartJobAsync(Specs.Group("g1"));
        var call = await engine.Hypervisor.NextCallAsync();
        var pending = await engine.StartJobAsync(Specs.Group("g2"));

        var cancelled = await engine.Manager.CancelAsync(pending.Id, CancellationToken.None);

        Assert.Equal(JobState.Cancelled, cancelled!.State);
        Assert.NotNull(cancelled.FinishedAt);
        Assert.Null(cancelled.StartedAt);
        Assert.Equal(JobState.Cancelled, (await engine.Store.GetAsync(pending.Id, CancellationToken.None))!.State);
        call.Complete(OperationResult.Empty);
        await engine.WaitForStateAsync(running.Id, JobState.Completed);
        Assert.Equal(0, engine.Manager.QueuedCount);
        Assert.Equal(1, engine.Hypervisor.CallCount);
    }

    [Fact]
    public async Task CancelAsync_RunningJob_TokenFiresAndJobEndsCancelled()
    {
        await using var engine = await JobEngineHarness.StartAsync();
        var job = await engine.StartJobAsync(Specs.Export("s1", Path.Combine(engine.Root, "exports", "x")));
        var call = await engine.Hypervisor.NextCallAsync();
        await engine.WaitForStateAsync(job.Id, JobState.Running);

        var returned = await engine.Manager.CancelAsync(job.Id, CancellationToken.None);
        await call.Cancelled.WaitAsync(JobEngineHarness.Timeout);
        var final = await engine.WaitForAsync(job.Id, j => j.State.IsTerminal());

        Assert.Contains(returned!.State, new[] { JobState.Running, JobState.Cancelled });
        Assert.True(call.Token.IsCancellationRequested);
        Assert.Equal(JobState.Cancelled, final.State);
        Assert.Null(final.Error);
        Assert.Equal(JobState.Cancelled, (await engine.Store.GetAsync(job.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task CancelAsync_BackendThrowsHypervisorErrorOnCancel_JobStillEndsCancelled()
    {
        await using var engine = await JobEngineHarness.StartAsync();
        engine.Hypervisor.HonourCancellation = false;
        var job = await engine.StartJobAsync(Specs.Group("g1"));
        var call = await engine.Hypervisor.NextCallAsync();
        await engine.WaitForStateAsync(job.Id, JobState.Running);

        await engine.Manager.CancelAsync(job.Id, CancellationToken.None);
        await call.Cancelled.WaitAsync(JobEngineHarness.Timeout);
        call.Fail(new HypervisorException(HypervisorErrorKind.Failed, 32768, HyperVCodeFamily.Job, "job terminated"));

        Assert.Equal(JobState.Cancelled, (await engine.WaitForAsync(job.Id, j => j.State.IsTerminal())).State);
    }

    [Fact]
    public async Task CancelAsync_TerminalJob_ReturnsItUnchanged()
    {
        await using var engine = await JobEngineHarness.StartAsync();
        var job = await engine.StartJobAsync(Specs.Group("g1"));
        (await engine.Hypervisor.NextCallAsync()).Complete(new OperationResult(["snap"]));
        var completed = await engine.WaitForStateAsync(job.Id, JobState.Completed);

        var returned = await engine.Manager.CancelAsync(job.Id, CancellationToken.None);

        Assert.Equal(JobState.Completed, returned!.State);
        Assert.Equal(completed.Sequence, returned.Sequence);
        Assert.Equal(JobState.Completed, (await engine.Store.GetAsync(job.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task CancelAsync_UnknownJob_ReturnsNull()
    {
        await using var engine = await JobEngineHarness.StartAsync();

        Assert.Null(await engine.Manager.CancelAsync("no-such-job", CancellationToken.None));
    }

    [Fact]
    public async Task CancelAsync_PendingJobBlockingSameGroup_LetsTheNextJobRun()
    {
        await using var engine = await JobEngineHarness.StartAsync(o => o.MaxConcurrentSnapshots = 1);
        await engine.StartJobAsync(Specs.Group("g1"));
        var call = await engine.Hypervisor.NextCallAsync();
        var pending = await engine.StartJobAsync(Specs.Group("g2"));
        var next = await engine.StartJobAsync(Specs.Group("g3"));

        await engine.Manager.CancelAsync(pending.Id, CancellationToken.None);
        call.Complete(OperationResult.Empty);
        var nextCall = await engine.Hypervisor.NextCallAsync();

        Assert.Equal("g3", ((SnapshotRequest)nextCall.Request).Target.CollectionId);
        nextCall.Complete(OperationResult.Empty);
        await engine.WaitForStateAsync(next.Id, JobState.Completed);
    }
}
