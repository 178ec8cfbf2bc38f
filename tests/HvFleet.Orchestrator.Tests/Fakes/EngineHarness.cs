using HvFleet.Orchestrator.Fanout;
using HvFleet.Orchestrator.Inventory;
using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace HvFleet.Orchestrator.Tests.Fakes;

/// <summary>A fake fleet, a SQLite store in a temporary data directory, and engines over them (several in turn for
/// restart tests).</summary>
internal sealed class EngineHarness : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly List<FleetEngine> _engines = [];
    private readonly List<SqliteOperationStore> _stores = [];

    public EngineHarness()
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "hvfleet-orch-tests", Guid.NewGuid().ToString("N"));
    }

    public FakeAgentFleet Fleet { get; } = new();

    public string DataDirectory { get; }

    public OrchestratorOptions Options { get; } = new() { ControlCallTimeout = TimeSpan.FromSeconds(5) };

    /// <summary>A new engine (and store connection) over the same data directory and fleet.</summary>
    public FleetEngine NewEngine()
    {
        var store = NewStore();
        var engine = new FleetEngine(new StaticFleetInventory(Fleet.Inventory()), Fleet, store, TimeProvider.System,
            Microsoft.Extensions.Options.Options.Create(Options), NullLogger<FleetEngine>.Instance);
        _engines.Add(engine);
        return engine;
    }

    public SqliteOperationStore NewStore()
    {
        var store = new SqliteOperationStore(
            Microsoft.Extensions.Options.Options.Create(new SqliteOperationStoreOptions { DataDirectory = DataDirectory }), TimeProvider.System);
        _stores.Add(store);
        return store;
    }

    public static FleetOperation Started(FleetResult<FleetOperation> result)
    {
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Value;
    }

    public static async Task<FleetOperation> FinishedAsync(FleetEngine engine, FleetResult<FleetOperation> result)
    {
        var operation = Started(result);
        using var timeout = new CancellationTokenSource(Timeout);
        var final = await engine.WaitAsync(operation.Id, timeout.Token);
        Assert.NotNull(final);
        return final;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var engine in _engines)
        {
            await engine.DisposeAsync();
        }

        foreach (var agent in Fleet.Agents)
        {
            agent.ReleaseAll();
        }

        foreach (var store in _stores)
        {
            store.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
    }
}
