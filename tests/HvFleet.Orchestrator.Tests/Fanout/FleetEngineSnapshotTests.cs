using HvFleet.Orchestrator.Agents;
using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Store;
using HvFleet.Orchestrator.Tests.Fakes;
using HvFleet.Testing;

namespace HvFleet.Orchestrator.Tests.Fanout;

public sealed class FleetEngineSnapshotTests
{
    [Fact]
    public async Task StartSnapshot_AllHostsHealthy_EveryCollectionSucceedsOnce()
    {
        await using var harness = new EngineHarness();
        harness.Fleet.Add("hv1", "", "sql", "web");
        harness.Fleet.Add("hv2", "", "sql");
        var engine = harness.NewEngine();

        var final = await EngineHarness.FinishedAsync(engine, await engine.StartSnapshotAsync(
            new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast }, CancellationToken.None));

        Assert.Equal(OperationState.Succeeded, final.State);
        Assert.Equal(3, final.Tasks.Count);
        Assert.All(final.Tasks, t =>
        {
            Assert.Equal(TaskOutcome.Succeeded, t.Outcome);
            Assert.Single(t.SnapshotIds);
            Assert.NotEmpty(t.AgentJobId);
            Assert.Equal(1, t.Attempts);
            Assert.StartsWith($"op-{final.Id}/{t.HostName}/collection:", t.RequestId, StringComparison.Ordinal);
            Assert.NotNull(t.FinishedAt);
        });
        Assert.NotNull(final.StartedAt);
        Assert.NotNull(final.FinishedAt);
        Assert.All(harness.Fleet.Agents, a => Assert.All(a.ExecutionsByRequestId.Values, n => Assert.Equal(1, n)));
        var summary = final.Summarize(DateTimeOffset.UtcNow);
        Assert.Equal(3, summary.Done);
        Assert.Equal(100, summary.Percent);
    }

    [Fact]
    public async Task StartSnapshot_AgentDown_CountedUnreachableAndReported()
    {
        await using var harness = new EngineHarness();
        harness.Fleet.Add("hv1", "", "sql");
        harness.Fleet.Add("hv2", "", "sql").Unreachable = true;
        var engine = harness.NewEngine();

        var final = await EngineHarness.FinishedAsync(engine, await engine.StartSnapshotAsync(
            new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast with { MaxRetries = 2 } }, CancellationToken.None));

        Assert.Equal(OperationState.PartiallyFailed, final.State);
        var down = Assert.Single(final.Tasks, t => t.HostName == "hv2");
        Assert.Equal(TaskOutcome.Unreachable, down.Outcome);
        Assert.Equal((int)AgentStatusCode.Unavailable, down.Error!.GrpcStatus);
        var summary = final.Summarize(DateTimeOffset.UtcNow);
        Assert.Equal(1, summary.Unreachable);
        Assert.Equal(1, summary.FailedTotal);
        Assert.Contains("1 unreachable", final.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartSnapshot_AgentTooSlow_TimedOutAfterRetriesWithoutSecondCheckpoint()
    {
        await using var harness = new EngineHarness(new ManualTimeProvider());
        harness.Fleet.Add("fast", "", "g1");
        var slow = harness.Fleet.Add("slow", "", "g1");
        slow.HoldJobs = true;
        slow.IgnoreCancel = false;
        var engine = harness.NewEngine();
        var timeout = TimeSpan.FromMilliseconds(150);
        var started = EngineHarness.Started(await engine.StartSnapshotAsync(new FleetSnapshotRequest
        {
            Hosts = HostSelector.Everything,
            Policy = Policies.Fast with { HostTimeout = timeout, MaxRetries = 1, RetryBackoff = TimeSpan.Zero, RetryBackoffMax = TimeSpan.Zero },
        }, CancellationToken.None));
        await OperationWaits.WaitForAsync(engine, started.Id, o =>
            o.Tasks.Any(t => t is { HostName: "fast", Outcome: TaskOutcome.Succeeded }) && o.Tasks.Any(t => t is { HostName: "slow", AgentJobId.Length: > 0 }));

        // Each attempt of the slow host times out on the manual clock (armed: the lease renewal, the cancel poll and the attempt's timeout).
        await harness.AdvanceWhenArmedAsync(3, timeout);
        await harness.AdvanceWhenArmedAsync(3, timeout);
        var final = await EngineHarness.FinishedAsync(engine, started);

        var timedOut = Assert.Single(final.Tasks, t => t.HostName == "slow");
        Assert.Equal(TaskOutcome.TimedOut, timedOut.Outcome);
        Assert.Equal(2, timedOut.Attempts);
        // The retry re-attached to the same job (same request id): one execution, then cancelled so nothing lingers.
        Assert.Equal(1, Assert.Single(slow.ExecutionsByRequestId).Value);
        Assert.Contains(timedOut.AgentJobId, slow.CancelRequests);
        Assert.Equal(TaskOutcome.Succeeded, Assert.Single(final.Tasks, t => t.HostName == "fast").Outcome);
        Assert.Equal(OperationState.PartiallyFailed, final.State);
    }

    [Fact]
    public async Task StartSnapshot_TransientFailures_RetriedUntilSuccess()
    {
        await using var harness = new EngineHarness();
        var flaky = harness.Fleet.Add("hv1", "", "g1");
        flaky.FailNextMutations(AgentStatusCode.ResourceExhausted, AgentStatusCode.Unavailable);
        var engine = harness.NewEngine();

        var final = await EngineHarness.FinishedAsync(engine, await engine.StartSnapshotAsync(
            new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast with { MaxRetries = 2 } }, CancellationToken.None));

        var task = Assert.Single(final.Tasks);
        Assert.Equal(TaskOutcome.Succeeded, task.Outcome);
        Assert.Equal(3, task.Attempts);
        Assert.Equal(3, flaky.MutatingCalls);
        Assert.Equal(1, Assert.Single(flaky.ExecutionsByRequestId).Value);
    }

    [Theory]
    [InlineData(AgentStatusCode.InvalidArgument)]
    [InlineData(AgentStatusCode.PermissionDenied)]
    public async Task StartSnapshot_NonRetryableStatus_FailsOnFirstAttempt(AgentStatusCode code)
    {
        await using var harness = new EngineHarness();
        var agent = harness.Fleet.Add("hv1", "", "g1");
        agent.FailNextMutations(code);
        var engine = harness.NewEngine();

        var final = await EngineHarness.FinishedAsync(engine, await engine.StartSnapshotAsync(
            new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast with { MaxRetries = 3 } }, CancellationToken.None));

        var task = Assert.Single(final.Tasks);
        Assert.Equal(TaskOutcome.Failed, task.Outcome);
        Assert.Equal(1, task.Attempts);
        Assert.Equal((int)code, task.Error!.GrpcStatus);
        Assert.Equal(1, agent.MutatingCalls);
        Assert.Equal(OperationState.Failed, final.State);
    }

    [Fact]
    public async Task StartSnapshot_FleetBudgetExceeded_RemainingTargetsSkipped()
    {
        await using var harness = new EngineHarness();
        for (int i = 1; i <= 5; i++)
        {
            harness.Fleet.Add($"hv{i}", "", "g1").FailJobs = true;
        }

        var engine = harness.NewEngine();
        var final = await EngineHarness.FinishedAsync(engine, await engine.StartSnapshotAsync(new FleetSnapshotRequest
        {
            Hosts = HostSelector.Everything,
            Policy = Policies.Fast with { MaxHostsInFlight = 1, FailureBudget = 1 },
        }, CancellationToken.None));

        Assert.Equal(OperationState.Failed, final.State);
        var failed = final.Tasks.Where(t => t.Outcome == TaskOutcome.Failed).ToList();
        Assert.Equal(2, failed.Count);
        Assert.All(failed, t => Assert.Equal(32768u, t.Error!.HyperVCode));
        Assert.Equal(3, final.Tasks.Count(t => t.Outcome == TaskOutcome.Skipped));
        Assert.Equal(2, harness.Fleet.Agents.Sum(a => a.MutatingCalls));
        Assert.Contains("fleet failure budget", final.Message, StringComparison.Ordinal);
        Assert.Equal(5, final.Summarize(DateTimeOffset.UtcNow).FailedTotal);
    }

    [Fact]
    public async Task StartSnapshot_WaveFailsWhole_LaterWavesStillRun()
    {
        await using var harness = new EngineHarness();
        harness.Fleet.Add("a1", "", "g").Unreachable = true;
        harness.Fleet.Add("a2", "", "g").Unreachable = true;
        harness.Fleet.Add("b1", "", "g");
        harness.Fleet.Add("b2", "", "g");
        harness.Fleet.Add("c1", "", "g");
        var engine = harness.NewEngine();

        var final = await EngineHarness.FinishedAsync(engine, await engine.StartSnapshotAsync(new FleetSnapshotRequest
        {
            Hosts = HostSelector.Everything,
            Policy = Policies.Fast with { WaveSize = 2, WaveFailureBudget = 0, MaxRetries = 0 },
        }, CancellationToken.None));

        Assert.Equal([0, 0, 1, 1, 2], final.Tasks.Select(t => t.Wave));
        Assert.All(final.Tasks.Where(t => t.Wave == 0), t => Assert.Equal(TaskOutcome.Unreachable, t.Outcome));
        Assert.All(final.Tasks.Where(t => t.Wave > 0), t => Assert.Equal(TaskOutcome.Succeeded, t.Outcome));
        Assert.Equal(OperationState.PartiallyFailed, final.State);
    }

    [Fact]
    public async Task StartSnapshot_WaveFailsWholeAndFleetBudgetExceeded_LaterWavesSkipped()
    {
        await using var harness = new EngineHarness();
        harness.Fleet.Add("a1", "", "g").FailJobs = true;
        harness.Fleet.Add("a2", "", "g").FailJobs = true;
        harness.Fleet.Add("b1", "", "g");
        harness.Fleet.Add("b2", "", "g");
        var engine = harness.NewEngine();

        var final = await EngineHarness.FinishedAsync(engine, await engine.StartSnapshotAsync(new FleetSnapshotRequest
        {
            Hosts = HostSelector.Everything,
            Policy = Policies.Fast with { WaveSize = 2, FailureBudget = 1 },
        }, CancellationToken.None));

        Assert.All(final.Tasks.Where(t => t.Wave == 1), t => Assert.Equal(TaskOutcome.Skipped, t.Outcome));
        Assert.Equal(0, harness.Fleet["b1"].MutatingCalls + harness.Fleet["b2"].MutatingCalls);
        Assert.Equal(OperationState.Failed, final.State);
    }

    [Fact]
    public async Task StartSnapshot_Caps_ObservedConcurrencyNeverAboveThem()
    {
        await using var harness = new EngineHarness();
        for (int i = 0; i < 8; i++)
        {
            harness.Fleet.Add($"hv{i}", i % 2 == 0 ? "csv-a" : "csv-b", "g1", "g2", "g3").WorkTime = TimeSpan.FromMilliseconds(15);
        }

        var engine = harness.NewEngine();
        var final = await EngineHarness.FinishedAsync(engine, await engine.StartSnapshotAsync(new FleetSnapshotRequest
        {
            Hosts = HostSelector.Everything,
            Policy = Policies.Fast with { MaxHostsInFlight = 3, MaxJobsPerHost = 2, MaxPerStorageKey = 2 },
        }, CancellationToken.None));

        Assert.Equal(OperationState.Succeeded, final.State);
        Assert.Equal(24, final.Tasks.Count);
        Assert.InRange(harness.Fleet.MaxPerHost, 1, 2);
        Assert.InRange(harness.Fleet.MaxHostsInFlight, 1, 3);
        Assert.InRange(harness.Fleet.MaxPerStorage, 1, 2);
        // The caps were actually exercised: work overlapped.
        Assert.True(harness.Fleet.MaxRunning >= 2, $"max running {harness.Fleet.MaxRunning}");
    }

    [Fact]
    public async Task StartSnapshot_DryRun_PlanWithoutAnySnapshot()
    {
        await using var harness = new EngineHarness();
        harness.Fleet.Add("hv1", "", "sql", "web");
        harness.Fleet.Add("hv2", "", "web");
        harness.Fleet.Add("hv3", "", "web");
        var engine = harness.NewEngine();

        var result = await engine.StartSnapshotAsync(new FleetSnapshotRequest
        {
            Hosts = HostSelector.Everything,
            Targets = new TargetSelector { Kind = TargetSelectorKind.Collections, Names = ["web"] },
            Policy = Policies.Fast with { WaveSize = 2 },
            DryRun = true,
        }, CancellationToken.None);

        var plan = EngineHarness.Started(result);
        Assert.Equal(OperationState.Planned, plan.State);
        Assert.Equal(["hv1", "hv2", "hv3"], plan.Tasks.Select(t => t.HostName));
        Assert.All(plan.Tasks, t => Assert.Equal(("web", TaskOutcome.Pending), (t.TargetName, t.Outcome)));
        Assert.Equal([0, 0, 1], plan.Tasks.Select(t => t.Wave));
        Assert.Equal(0, harness.Fleet.Agents.Sum(a => a.MutatingCalls));
        var stored = await engine.GetAsync(plan.Id, CancellationToken.None);
        Assert.Equal(OperationState.Planned, stored!.State);
    }

    [Fact]
    public async Task StartSnapshot_NamedTargetMissingOnHost_ThatTargetFailsNamingIt()
    {
        await using var harness = new EngineHarness();
        harness.Fleet.Add("hv1", "", "sql");
        harness.Fleet.Add("hv2", "", "web");
        var engine = harness.NewEngine();

        var final = await EngineHarness.FinishedAsync(engine, await engine.StartSnapshotAsync(new FleetSnapshotRequest
        {
            Hosts = HostSelector.Everything,
            Targets = new TargetSelector { Kind = TargetSelectorKind.Collections, Names = ["sql"] },
            Policy = Policies.Fast,
        }, CancellationToken.None));

        var missing = Assert.Single(final.Tasks, t => t.HostName == "hv2");
        Assert.Equal(TaskOutcome.Failed, missing.Outcome);
        Assert.Contains("'sql'", missing.Error!.Description, StringComparison.Ordinal);
        Assert.Equal(OperationState.PartiallyFailed, final.State);
    }

    [Fact]
    public async Task StartSnapshot_SameRequestIdTwice_OneOperation()
    {
        await using var harness = new EngineHarness();
        harness.Fleet.Add("hv1", "", "g1");
        var engine = harness.NewEngine();
        var request = new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast, RequestId = "nightly-2026-11-22" };

        var first = EngineHarness.Started(await engine.StartSnapshotAsync(request, CancellationToken.None));
        var second = EngineHarness.Started(await engine.StartSnapshotAsync(request, CancellationToken.None));
        await engine.WaitAsync(first.Id, CancellationToken.None);

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(1, harness.Fleet["hv1"].MutatingCalls);
    }

    [Fact]
    public async Task StartSnapshot_InvalidRequest_RefusedNamingEveryProblem()
    {
        await using var harness = new EngineHarness();
        harness.Fleet.Add("hv1", "", "g1");
        var engine = harness.NewEngine();

        var result = await engine.StartSnapshotAsync(new FleetSnapshotRequest
        {
            Hosts = new HostSelector { Names = ["hv1", "nope"] },
            Targets = new TargetSelector { Kind = TargetSelectorKind.VirtualMachines },
            Policy = Policies.Fast with { MaxJobsPerHost = 0 },
        }, CancellationToken.None);

        Assert.False(result.IsSuccess);
        Assert.Equal(FleetErrorCode.InvalidArgument, result.Error.Code);
        Assert.Contains("nope", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("max_jobs_per_host", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("targets", result.Error.Message, StringComparison.Ordinal);
        Assert.Empty(await engine.ListAsync(new OperationQuery(), CancellationToken.None));
    }

    [Fact]
    public async Task StartSnapshot_VmTargetsByNameOrId_EachVmItsOwnTask()
    {
        await using var harness = new EngineHarness();
        var agent = harness.Fleet.Add("hv1");
        agent.VirtualMachines.Add(new AgentVirtualMachine("vm-1", "db01"));
        agent.VirtualMachines.Add(new AgentVirtualMachine("vm-2", "db02"));
        agent.VirtualMachines.Add(new AgentVirtualMachine("vm-3", "app"));
        var engine = harness.NewEngine();

        var final = await EngineHarness.FinishedAsync(engine, await engine.StartSnapshotAsync(new FleetSnapshotRequest
        {
            Hosts = new HostSelector { Labels = new Dictionary<string, string> { ["storage"] = "local" } },
            Targets = new TargetSelector { Kind = TargetSelectorKind.VirtualMachines, Names = ["db01", "vm-2", "DB01"] },
            Policy = Policies.Fast,
        }, CancellationToken.None));

        Assert.Equal(OperationState.Succeeded, final.State);
        Assert.Equal(["vm-1", "vm-2"], final.Tasks.Select(t => t.TargetId));
        Assert.All(final.Tasks, t => Assert.Equal(TargetKind.VirtualMachine, t.TargetKind));
        Assert.Equal(1, agent.SnapshotsByTarget["vm-1"]);
    }
}
