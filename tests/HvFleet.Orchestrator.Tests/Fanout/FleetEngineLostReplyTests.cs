using HvFleet.Orchestrator.Agents;
using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Tests.Fakes;
using HvFleet.Testing;

namespace HvFleet.Orchestrator.Tests.Fanout;

/// <summary>The agent created the job but the orchestrator never got its id (the first event was lost, or a crash came
/// before the id was stored): a cancel or a final timeout finds the job by request id, a retry re-attaches to it.</summary>
public sealed class FleetEngineLostReplyTests
{
    [Fact]
    public async Task Cancel_BeforeFirstEvent_JobFoundByRequestIdAndCancelled()
    {
        await using var harness = new EngineHarness();
        var agent = harness.Fleet.Add("hv1", "", "g1");
        agent.HoldJobs = true;
        agent.SilenceNextStarts(1);
        var engine = harness.NewEngine();
        var started = EngineHarness.Started(await engine.StartSnapshotAsync(
            new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast }, CancellationToken.None));
        await harness.Fleet.WaitForJobsStartedAsync(1);
        Assert.Equal("", Assert.Single((await engine.GetAsync(started.Id, CancellationToken.None))!.Tasks).AgentJobId);

        await engine.CancelAsync(started.Id, CancellationToken.None);
        var final = await engine.WaitAsync(started.Id, CancellationToken.None);

        var job = Assert.Single(agent.Jobs).State;
        var task = Assert.Single(final!.Tasks);
        Assert.Equal(OperationState.Cancelled, final.State);
        Assert.Equal(TaskOutcome.Cancelled, task.Outcome);
        Assert.Equal(AgentJobState.Cancelled, job.State);
        Assert.Equal(job.Id, task.AgentJobId);
        Assert.Equal([task.RequestId], agent.LookupsByRequestId);
        Assert.Equal([job.Id], agent.CancelRequests);
        Assert.Contains("found by request id", task.StatusText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_DuringRetryDelayNoJobCreated_LooksUpAndCancelsNothing()
    {
        await using var harness = new EngineHarness();
        var agent = harness.Fleet.Add("hv1", "", "g1");
        agent.FailNextMutations(AgentStatusCode.Unavailable);
        var engine = harness.NewEngine();
        var started = EngineHarness.Started(await engine.StartSnapshotAsync(new FleetSnapshotRequest
        {
            Hosts = HostSelector.Everything,
            Policy = Policies.Fast with { RetryBackoff = TimeSpan.FromMinutes(5), RetryBackoffMax = TimeSpan.FromMinutes(5) },
        }, CancellationToken.None));
        await OperationWaits.WaitForOutcomeAsync(engine, started.Id, "hv1", TaskOutcome.Retrying);

        await engine.CancelAsync(started.Id, CancellationToken.None);
        var final = await engine.WaitAsync(started.Id, CancellationToken.None);

        var task = Assert.Single(final!.Tasks);
        Assert.Equal(TaskOutcome.Cancelled, task.Outcome);
        Assert.Equal("cancelled before an agent job existed", task.StatusText);
        Assert.Equal([task.RequestId], agent.LookupsByRequestId);
        Assert.Empty(agent.CancelRequests);
        Assert.Empty(agent.Jobs);
    }

    [Fact]
    public async Task HostTimeout_BeforeFirstEventOutOfRetries_JobFoundByRequestIdAndCancelled()
    {
        await using var harness = new EngineHarness(new ManualTimeProvider());
        var agent = harness.Fleet.Add("hv1", "", "g1");
        agent.HoldJobs = true;
        agent.SilenceNextStarts(1);
        var engine = harness.NewEngine();
        var timeout = TimeSpan.FromMilliseconds(200);
        var started = EngineHarness.Started(await engine.StartSnapshotAsync(new FleetSnapshotRequest
        {
            Hosts = HostSelector.Everything,
            Policy = Policies.Fast with { HostTimeout = timeout, MaxRetries = 0 },
        }, CancellationToken.None));
        await harness.Fleet.WaitForJobsStartedAsync(1);

        // Armed: the lease renewal, the cancel poll and the attempt's timeout (created before the start call).
        await harness.AdvanceWhenArmedAsync(3, timeout);
        var final = await EngineHarness.FinishedAsync(engine, started);

        var job = Assert.Single(agent.Jobs).State;
        var task = Assert.Single(final.Tasks);
        Assert.Equal(TaskOutcome.TimedOut, task.Outcome);
        Assert.Equal(job.Id, task.AgentJobId);
        Assert.Equal(AgentJobState.Cancelled, job.State);
        Assert.Equal([job.Id], agent.CancelRequests);
    }

    [Fact]
    public async Task HostTimeout_BeforeFirstEventThenRetry_SameRequestIdReattachesToTheSameJob()
    {
        await using var harness = new EngineHarness(new ManualTimeProvider());
        var agent = harness.Fleet.Add("hv1", "", "g1");
        agent.SilenceNextStarts(1);
        var engine = harness.NewEngine();
        var timeout = TimeSpan.FromMilliseconds(200);
        var started = EngineHarness.Started(await engine.StartSnapshotAsync(new FleetSnapshotRequest
        {
            Hosts = HostSelector.Everything,
            Policy = Policies.Fast with { HostTimeout = timeout, MaxRetries = 1, RetryBackoff = TimeSpan.Zero, RetryBackoffMax = TimeSpan.Zero },
        }, CancellationToken.None));
        await harness.Fleet.WaitForJobsStartedAsync(1);

        await harness.AdvanceWhenArmedAsync(3, timeout);
        var final = await EngineHarness.FinishedAsync(engine, started);

        var task = Assert.Single(final.Tasks);
        var job = Assert.Single(agent.Jobs).State;
        Assert.Equal(TaskOutcome.Succeeded, task.Outcome);
        Assert.Equal(2, task.Attempts);
        Assert.Equal(2, agent.MutatingCalls);
        Assert.Equal(job.Id, task.AgentJobId);
        Assert.Equal(job.SnapshotIds, task.SnapshotIds);
        Assert.Equal(1, Assert.Single(agent.ExecutionsByRequestId).Value);
        Assert.Equal(1, Assert.Single(agent.SnapshotsByTarget).Value);
        Assert.Empty(agent.CancelRequests);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Resume_OperationCancelledWhileNoOrchestratorRanIt_CancelReachesJobsStartedBeforeTheRestart(bool firstEventArrived)
    {
        await using var harness = new EngineHarness();
        var agent = harness.Fleet.Add("hv1", "", "g1", "g2");
        agent.HoldJobs = true;
        if (!firstEventArrived)
        {
            // The reply is lost, then the orchestrator stops: the store shows the task as never started.
            agent.SilenceNextStarts(1);
        }

        var first = harness.NewEngine();
        var started = EngineHarness.Started(await first.StartSnapshotAsync(new FleetSnapshotRequest
        {
            Hosts = HostSelector.Everything,
            Policy = Policies.Fast with { MaxJobsPerHost = 1 },
        }, CancellationToken.None));
        await harness.Fleet.WaitForJobsStartedAsync(1);
        if (firstEventArrived)
        {
            await OperationWaits.WaitForJobIdsAsync(first, started.Id, 1);
        }

        await first.DisposeAsync();
        var stored = await harness.NewStore().GetAsync(started.Id, CancellationToken.None);
        Assert.Equal(firstEventArrived ? 1 : 0, stored!.Tasks.Count(t => t.AgentJobId.Length > 0));

        var second = harness.NewEngine();
        Assert.Equal(OperationState.Cancelling, (await second.CancelAsync(started.Id, CancellationToken.None)).Value!.State);
        Assert.Equal(1, await second.ResumeUnfinishedAsync(CancellationToken.None));
        var final = await second.WaitAsync(started.Id, CancellationToken.None);

        var job = Assert.Single(agent.Jobs).State;
        Assert.Equal(OperationState.Cancelled, final!.State);
        Assert.All(final.Tasks, t => Assert.Equal(TaskOutcome.Cancelled, t.Outcome));
        Assert.Equal(AgentJobState.Cancelled, job.State);
        Assert.Equal([job.Id], agent.CancelRequests);
        Assert.Equal(job.Id, Assert.Single(final.Tasks, t => t.AgentJobId.Length > 0).AgentJobId);

        // Every task without a job id is looked up (a resumed run cannot tell one never started from one whose reply was lost).
        Assert.Equal(final.Tasks.Where(t => !firstEventArrived || t.RequestId != job.RequestId).Select(t => t.RequestId).Order(),
            agent.LookupsByRequestId.Order());
        Assert.Equal(1, agent.MutatingCalls);
    }
}
