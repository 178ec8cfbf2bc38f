using HvFleet.Orchestrator.Fanout;
using HvFleet.Orchestrator.Hosting;
using HvFleet.Orchestrator.Inventory;
using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Store;
using HvFleet.Orchestrator.Tests.Fakes;
using HvFleet.Testing;
using Microsoft.Extensions.Options;

namespace HvFleet.Orchestrator.Tests.Fanout;

/// <summary>The operation store's volume fills up mid-operation (a small tmpfs; tests run as root, as CI does).</summary>
public sealed class FleetEngineStoreFailureTests
{
    [Fact]
    public async Task Run_StoreVolumeFillsMidOperation_ReportsAFatalErrorNamingTheCauseAndTheFile()
    {
        using var volume = SmallTmpfs.Mount(4 * 1024 * 1024);
        var fleet = new FakeAgentFleet();
        var agent = fleet.Add("hv1", "", "sql");
        agent.HoldJobs = true;
        using var fatal = new OrchestratorFatalErrors();
        using var store = new SqliteOperationStore(Options.Create(new SqliteOperationStoreOptions { DataDirectory = volume.Path }), TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None);
        await using (var engine = EngineFactory.Create(new StaticFleetInventory(fleet.Inventory()), fleet, store, TimeProvider.System,
            new OrchestratorOptions { ControlCallTimeout = TimeSpan.FromSeconds(5) }, fatal))
        {
            EngineHarness.Started(await engine.StartSnapshotAsync(
                new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast }, CancellationToken.None));
            await Wait.UntilAsync(() => agent.Jobs.Count == 1, because: "the snapshot job runs on the agent");

            volume.Fill();
            agent.ReleaseAll();
            await Wait.UntilAsync(() => fatal.Raised.IsCancellationRequested, because: "the run cannot record the task's end");
            volume.Free();
        }

        Assert.Equal($"operation store: no space left on device at {Path.Combine(volume.Path, "hvfleet.db")}", fatal.Message);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
