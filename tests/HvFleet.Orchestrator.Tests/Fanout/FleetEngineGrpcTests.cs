using HvFleet.Orchestrator.Agents.Grpc;
using HvFleet.Orchestrator.Fanout;
using HvFleet.Orchestrator.Inventory;
using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Tests.Agents;
using HvFleet.Orchestrator.Tests.Fakes;
using Microsoft.Extensions.Options;

namespace HvFleet.Orchestrator.Tests.Fanout;

/// <summary>The engine against agents served over real gRPC on loopback.</summary>
public sealed class FleetEngineGrpcTests
{
    [Fact]
    public async Task StartSnapshot_OverGrpc_SuccessFailureAndDownHostReported()
    {
        await using var harness = new EngineHarness();
        harness.Fleet.Add("ok", "", "sql", "web");
        harness.Fleet.Add("broken", "", "sql").FailJobs = true;
        await using var servers = await LoopbackAgents.StartAsync(harness.Fleet);
        var hosts = servers.Hosts.Append(new FleetHost { Name = "down", Address = $"127.0.0.1:{GrpcAgentClientTests.FreePort()}" }).ToList();
        using var connector = new GrpcAgentConnector(Options.Create(new AgentConnectionOptions { UseTls = false }), TimeProvider.System);
        await using var engine = EngineFactory.Create(new StaticFleetInventory(hosts), connector, harness.NewStore(), TimeProvider.System,
            new OrchestratorOptions());

        var final = await EngineHarness.FinishedAsync(engine, await engine.StartSnapshotAsync(
            new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast with { MaxRetries = 1 } }, CancellationToken.None));

        Assert.Equal(OperationState.PartiallyFailed, final.State);
        Assert.Equal(
            [("broken", TaskOutcome.Failed), ("down", TaskOutcome.Unreachable), ("ok", TaskOutcome.Succeeded), ("ok", TaskOutcome.Succeeded)],
            final.Tasks.Select(t => (t.HostName, t.Outcome)).Order());
        Assert.Equal(32768u, final.Tasks.Single(t => t.HostName == "broken").Error!.HyperVCode);
        Assert.All(harness.Fleet["ok"].ExecutionsByRequestId.Values, n => Assert.Equal(1, n));

        var hostsView = await engine.ListHostsAsync(HostSelector.Everything, refresh: true, CancellationToken.None);
        Assert.Equal([HostReachability.Reachable, HostReachability.Reachable, HostReachability.Unreachable], hostsView.Select(h => h.Reachability));
        Assert.Equal("lab", hostsView[0].Backend);
    }

    [Fact]
    public async Task Cancel_OverGrpc_ReachesTheAgentJobs()
    {
        await using var harness = new EngineHarness();
        harness.Fleet.Add("hv1", "", "a", "b").HoldJobs = true;
        harness.Fleet.Add("hv2", "", "a").HoldJobs = true;
        await using var servers = await LoopbackAgents.StartAsync(harness.Fleet);
        using var connector = new GrpcAgentConnector(Options.Create(new AgentConnectionOptions { UseTls = false }), TimeProvider.System);
        await using var engine = EngineFactory.Create(new StaticFleetInventory(servers.Hosts), connector, harness.NewStore(), TimeProvider.System,
            new OrchestratorOptions());
        var started = EngineHarness.Started(await engine.StartSnapshotAsync(
            new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast }, CancellationToken.None));
        await OperationWaits.WaitForJobIdsAsync(engine, started.Id, 3);

        await engine.CancelAsync(started.Id, CancellationToken.None);
        var final = await engine.WaitAsync(started.Id, CancellationToken.None);

        Assert.Equal(OperationState.Cancelled, final!.State);
        Assert.Equal(3, harness.Fleet.Agents.Sum(a => a.CancelRequests.Count));
        Assert.All(harness.Fleet.Agents.SelectMany(a => a.Jobs), j => Assert.Equal(HvFleet.Orchestrator.Agents.AgentJobState.Cancelled, j.State.State));
    }
}
