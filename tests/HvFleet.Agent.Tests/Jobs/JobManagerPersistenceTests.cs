using HvFleet.Agent.Jobs;
using HvFleet.Agent.Tests.Jobs.Fakes;
using HvFleet.Hypervisors;
using HvFleet.Testing;

namespace HvFleet.Agent.Tests.Jobs;

public sealed class JobManagerPersistenceTests
{
    [Fact]
    public async Task OnProgress_WithinInterval_IsNotWrittenButStateChangesAre()
    {
        var clock = new ManualTimeProvider();
        await using var engine = await JobEngineHarness.StartAsync(o => o.ProgressPersistInterval = TimeSpan.FromMilliseconds(500), clock);
        var job = await engine.StartJobAsync(Specs.Group("g1"));
        var call = await engine.Hypervisor.NextCallAsync();
        var running = await engine.WaitForStateAsync(job.Id, JobState.Running);

        // Progress 100 ms after the Running write: inside the interval, so live only.
        clock.Advance(TimeSpan.FromMilliseconds(100));
        call.Progress(10, 1, 10);
        var live = await engine.WaitForAsync(job.Id, j => j.Percent == 10);
        var storedEarly = (await engine.Store.GetAsync(job.Id, CancellationToken.None))!;

        // 600 ms later: due, so written.
        clock.Advance(TimeSpan.FromMilliseconds(600));
        call.Progress(20, 2, 10);
        await engine.WaitForAsync(job.Id, j => j.Percent == 20);
        var storedLater = await engine.WaitForStoredAsync(job.Id, j => j.Percent == 20);

        Assert.Equal(10, live.Percent);
        Assert.Equal(running.Sequence, storedEarly.Sequence);
        Assert.Equal(0, storedEarly.Percent);
        Assert.Equal(2, storedLater.BytesDone);

        // The terminal state is always written, right away.
        call.Progress(30, 3, 10);
        call.Complete(OperationResult.Empty);
        var done = await engine.WaitForStateAsync(job.Id, JobState.Completed);
        var storedDone = (await engine.Store.GetAsync(job.Id, CancellationToken.None))!;
        Assert.Equal(done.Sequence, storedDone.Sequence);
        Assert.Equal(JobState.Completed, storedDone.State);
    }

    [Fact]
    public async Task OnBackendJob_IsWrittenAtOnceEvenWithinTheProgressInterval()
    {
        await using var engine = await JobEngineHarness.StartAsync(o => o.ProgressPersistInterval = TimeSpan.FromMinutes(10));
        var job = await engine.StartJobAsync(Specs.Group("g1"));
        var call = await engine.Hypervisor.NextCallAsync();
        await engine.WaitForStateAsync(job.Id, JobState.Running);

        call.Observer.ReportBackendJob(new BackendJobReference("Msvm_ConcreteJob-1", BackendOperationKind.CreateSnapshot, "g1"));
        var stored = await engine.WaitForStoredAsync(job.Id, j => j.BackendJob is not null);

        Assert.Equal(new BackendJobReference("Msvm_ConcreteJob-1", BackendOperationKind.CreateSnapshot, "g1"), stored.BackendJob);
    }

    [Fact]
    public async Task OnProgress_OutOfRangeValues_AreClampedAndDuplicatesSkipped()
    {
        await using var engine = await JobEngineHarness.StartAsync();
        var job = await engine.StartJobAsync(Specs.Group("g1"));
        var call = await engine.Hypervisor.NextCallAsync();
        var running = await engine.WaitForStateAsync(job.Id, JobState.Running);

        call.Progress(250, -5, 10);
        call.Progress(250, -5, 10);
        var clamped = await engine.WaitForAsync(job.Id, j => j.Percent == 100);

        Assert.Equal(0, clamped.BytesDone);
        Assert.Equal(running.Sequence + 1, (await engine.Manager.GetAsync(job.Id, CancellationToken.None))!.Sequence);
    }

    [Fact]
    public async Task ListAsync_ActiveJobs_ShowLiveProgressNewestFirst()
    {
        await using var engine = await JobEngineHarness.StartAsync(o => o.ProgressPersistInterval = TimeSpan.FromMinutes(10));
        var older = await engine.StartJobAsync(Specs.Group("g1"));
        var newer = await engine.StartJobAsync(Specs.Group("g2"));
        var calls = await engine.Hypervisor.NextCallsAsync(2);
        await engine.WaitForStateAsync(older.Id, JobState.Running);
        calls.ForGroup("g1").Progress(42, 42, 100);
        await engine.WaitForAsync(older.Id, j => j.Percent == 42);

        var listed = await engine.Manager.ListAsync(null, 10, CancellationToken.None);

        Assert.Equal([newer.Id, older.Id], listed.Select(j => j.Id));
        Assert.Equal(42, listed[1].Percent);
    }

    [Fact]
    public async Task ListAsync_LimitZeroOrHuge_UsesDefaultAndCap()
    {
        await using var engine = await JobEngineHarness.StartAsync(o => o.MaxQueuedJobs = 200);
        for (var i = 0; i < 102; i++)
        {
            await engine.StartJobAsync(Specs.Delete("s" + i));
        }

        Assert.Equal(JobManager.DefaultListLimit, (await engine.Manager.ListAsync(null, 0, CancellationToken.None)).Count);
        Assert.Equal(102, (await engine.Manager.ListAsync(null, int.MaxValue, CancellationToken.None)).Count);
        Assert.Equal(3, (await engine.Manager.ListAsync(JobState.Pending, 3, CancellationToken.None)).Count);
    }
}
