using HvFleet.Orchestrator.Fanout;
using HvFleet.Orchestrator.Inventory;
using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Store;

namespace HvFleet.Orchestrator.Tests.Fakes;

/// <summary>A fake fleet, a SQLite store in a temporary data directory, and engines over them (several in turn for
/// restart tests).</summary>
internal sealed class EngineHarness : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly List<FleetEngine> _engines = [];
    private readonly List<SqliteOperationStore> _stores = [];

    /// <param name="time">The clock of every engine and store (a <see cref="HvFleet.Testing.ManualTimeProvider"/> in tests of
    /// timeouts, leases and polls); the system clock by default.</param>
    public EngineHarness(TimeProvider? time = null)
    {
        Time = time ?? TimeProvider.System;
        DataDirectory = Path.Combine(Path.GetTempPath(), "hvfleet-orch-tests", Guid.NewGuid().ToString("N"));
    }

    public TimeProvider Time { get; }

    public FakeAgentFleet Fleet { get; } = new();

    public string DataDirectory { get; }

    public OrchestratorOptions Options { get; } = new() { ControlCallTimeout = TimeSpan.FromSeconds(5) };

    /// <summary>A new engine (and store connection) over the same data directory and fleet.</summary>
    public FleetEngine NewEngine()
    {
        var store = NewStore();
        var engine = EngineFactory.Create(new StaticFleetInventory(Fleet.Inventory()), Fleet, store, Time, Options);
        _engines.Add(engine);
        return engine;
    }

    /// <summary>A new store connection over the data directory, initialised as the orchestrator's start initialises it.</summary>
    public SqliteOperationStore NewStore()
    {
        var store = new SqliteOperationStore(
            Microsoft.Extensions.Options.Options.Create(new SqliteOperationStoreOptions { DataDirectory = DataDirectory }), Time);
        _stores.Add(store);
        // Microsoft.Data.Sqlite runs its async calls synchronously: this does not block on another thread.
        store.InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
        return store;
    }

    /// <summary>Advances the manual clock by <paramref name="by"/> once at least <paramref name="timers"/> timers are armed
    /// (signalled by the clock, not polled): a timeout created after the advance would otherwise never fire.</summary>
    public async Task AdvanceWhenArmedAsync(int timers, TimeSpan by)
    {
        var manual = (HvFleet.Testing.ManualTimeProvider)Time;
        using var timeout = new CancellationTokenSource(Timeout);
        await manual.WaitForTimersAsync(timers, timeout.Token);
        manual.Advance(by);
    }

    public static FleetOperation Started(FleetResult<FleetOperation> result)
    {
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Value;
    }

    public static async Task<FleetOperation> FinishedAsync(FleetEngine engine, FleetResult<FleetOperation> result) =>
        await FinishedAsync(engine, Started(result));

    public static async Task<FleetOperation> FinishedAsync(FleetEngine engine, FleetOperation started)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var final = await engine.WaitAsync(started.Id, timeout.Token);
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
