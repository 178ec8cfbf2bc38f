using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Tests.Fakes;
using Microsoft.Data.Sqlite;

namespace HvFleet.Orchestrator.Tests.Fanout;

/// <summary>A lost operation store never turns a replayed request into a second checkpoint.</summary>
public sealed class FleetEngineStoreLossTests
{
    [Fact]
    public async Task Snapshot_SameRequestIdAfterTheStoreIsLost_SameAgentRequestIdsAndOneCheckpointPerGroup()
    {
        await using var harness = new EngineHarness();
        var hv1 = harness.Fleet.Add("hv1", "", "sql", "web");
        var hv2 = harness.Fleet.Add("hv2", "", "sql");
        var request = new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast, RequestId = "nightly-2026-12-04" };
        var first = harness.NewEngine();
        var before = await EngineHarness.FinishedAsync(first, await first.StartSnapshotAsync(request, CancellationToken.None));
        Assert.Equal(OperationState.Succeeded, before.State);
        await first.DisposeAsync();

        await LoseTheStoreAsync(harness);
        var second = harness.NewEngine();
        Assert.Empty(await second.ListAsync(new HvFleet.Orchestrator.Store.OperationQuery { Limit = 10 }, CancellationToken.None));
        var after = await EngineHarness.FinishedAsync(second, await second.StartSnapshotAsync(request, CancellationToken.None));

        Assert.Equal(OperationState.Succeeded, after.State);
        Assert.Equal(before.Id, after.Id);
        Assert.Equal(before.Tasks.Select(t => t.RequestId).Order(), after.Tasks.Select(t => t.RequestId).Order());
        Assert.Equal(before.Tasks.SelectMany(t => t.SnapshotIds).Order(), after.Tasks.SelectMany(t => t.SnapshotIds).Order());
        foreach (var agent in new[] { hv1, hv2 })
        {
            Assert.All(agent.ExecutionsByRequestId.Values, n => Assert.Equal(1, n));
            Assert.All(agent.SnapshotsByTarget.Values, n => Assert.Equal(1, n));
        }

        Assert.Equal(2, hv1.SnapshotsByTarget.Count);
        Assert.Single(hv2.SnapshotsByTarget);
    }

    [Fact]
    public async Task Snapshot_NoRequestId_EachCallIsANewOperationWithItsOwnRequestIds()
    {
        await using var harness = new EngineHarness();
        var hv1 = harness.Fleet.Add("hv1", "", "sql");
        var engine = harness.NewEngine();
        var request = new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast };

        var a = await EngineHarness.FinishedAsync(engine, await engine.StartSnapshotAsync(request, CancellationToken.None));
        var b = await EngineHarness.FinishedAsync(engine, await engine.StartSnapshotAsync(request, CancellationToken.None));

        Assert.NotEqual(a.Id, b.Id);
        Assert.NotEqual(Assert.Single(a.Tasks).RequestId, Assert.Single(b.Tasks).RequestId);
        Assert.Equal(2, hv1.SnapshotsByTarget.Values.Single());
    }

    [Fact]
    public async Task Retry_WithRequestId_RunsUnderIdsOfItsOwnThatAReplayAfterStoreLossKeeps()
    {
        await using var harness = new EngineHarness();
        var bad = harness.Fleet.Add("bad", "", "g1");
        bad.FailJobs = true;
        var engine = harness.NewEngine();
        var original = await EngineHarness.FinishedAsync(engine, await engine.StartSnapshotAsync(
            new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast with { MaxRetries = 0 }, RequestId = "r-1" }, CancellationToken.None));
        bad.FailJobs = false;

        var retry = await EngineHarness.FinishedAsync(engine, await engine.RetryAsync(
            new RetryRequest { OperationId = original.Id, RequestId = "r-1-retry" }, CancellationToken.None));

        Assert.Equal(OperationState.Succeeded, retry.State);
        Assert.NotEqual(original.Id, retry.Id);
        Assert.Equal(RequestIds.ForOperation(OperationKind.Snapshot, original.Id, "r-1-retry"), retry.Id);
        Assert.NotEqual(Assert.Single(original.Tasks).RequestId, Assert.Single(retry.Tasks).RequestId);
        Assert.Equal(1, bad.SnapshotsByTarget.Values.Single());
    }

    /// <summary>As when the orchestrator's disk is lost: the database and its WAL are gone, the agents keep their jobs.</summary>
    private static Task LoseTheStoreAsync(EngineHarness harness)
    {
        SqliteConnection.ClearAllPools();
        foreach (string file in Directory.EnumerateFiles(harness.DataDirectory, "hvfleet.db*"))
        {
            File.Delete(file);
        }

        Assert.Empty(Directory.EnumerateFiles(harness.DataDirectory, "hvfleet.db*"));
        return Task.CompletedTask;
    }
}
