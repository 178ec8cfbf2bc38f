using HvFleet.Orchestrator.Inventory;
using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Store;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>The orchestrator: starts, runs, resumes, cancels, retries and watches fleet operations. Operations run in
/// the background; every state change is written to the <see cref="IOperationStore"/> before watchers see the end.
/// A façade over the parts that do each (launch, runs, watch, resume, host probes), composed through DI
/// (<see cref="FanoutServiceCollectionExtensions.AddFleetEngine"/>). The store is initialised once at start
/// (<see cref="Hosting.OperationStoreInitializer"/>), before any of these calls.</summary>
public sealed class FleetEngine : IAsyncDisposable
{
    private readonly OperationLauncher _launcher;
    private readonly OperationRuns _runs;
    private readonly OperationWatcher _watcher;
    private readonly OperationResumer _resumer;
    private readonly HostProber _prober;
    private readonly IOperationStore _store;

    internal FleetEngine(OperationLauncher launcher, OperationRuns runs, OperationWatcher watcher, OperationResumer resumer,
        HostProber prober, IOperationStore store)
    {
        _launcher = launcher;
        _runs = runs;
        _watcher = watcher;
        _resumer = resumer;
        _prober = prober;
        _store = store;
    }

    /// <summary>This orchestrator's lease owner name.</summary>
    public string OwnerId => _runs.OwnerId;

    /// <summary>Hosts with reachability, backend and version (probed now when <paramref name="refresh"/>, else cached).</summary>
    public async Task<IReadOnlyList<HostStatus>> ListHostsAsync(HostSelector selector, bool refresh, CancellationToken cancellationToken) =>
        await _prober.ListAsync(selector, refresh, cancellationToken);

    public Task<FleetResult<FleetOperation>> StartSnapshotAsync(FleetSnapshotRequest request, CancellationToken cancellationToken) =>
        _launcher.StartSnapshotAsync(request, cancellationToken);

    public Task<FleetResult<FleetOperation>> StartExportAsync(FleetExportRequest request, CancellationToken cancellationToken) =>
        _launcher.StartExportAsync(request, cancellationToken);

    public Task<FleetResult<FleetOperation>> RetryAsync(RetryRequest request, CancellationToken cancellationToken) =>
        _launcher.RetryAsync(request, cancellationToken);

    public Task<FleetResult<FleetOperation>> CancelAsync(string operationId, CancellationToken cancellationToken) =>
        _runs.CancelAsync(operationId, cancellationToken);

    /// <summary>The live view while the operation runs here, else the stored one; null when unknown.</summary>
    public Task<FleetOperation?> GetAsync(string operationId, CancellationToken cancellationToken) =>
        _runs.GetAsync(operationId, cancellationToken);

    public async Task<IReadOnlyList<FleetOperation>> ListAsync(OperationQuery query, CancellationToken cancellationToken)
    {
        var stored = await _store.ListAsync(query, cancellationToken);
        return stored.Select(o => _runs.TryGetLive(o.Id, out var live) ? live.Snapshot() : o).ToList();
    }

    /// <summary>The whole operation first, then task changes with summaries, and last the whole operation as stored in
    /// its terminal state. An operation run by another orchestrator (or by none just now) is followed through the store,
    /// read every <see cref="OrchestratorOptions.WatchPollInterval"/>. Null when the operation is unknown.</summary>
    public Task<IAsyncEnumerable<OperationEvent>?> WatchAsync(string operationId, CancellationToken cancellationToken) =>
        _watcher.WatchAsync(operationId, cancellationToken);

    /// <summary>Waits until the operation is no longer running here and returns it as stored.</summary>
    public Task<FleetOperation?> WaitAsync(string operationId, CancellationToken cancellationToken) =>
        _runs.WaitAsync(operationId, cancellationToken);

    /// <summary>Claims and resumes unfinished operations that no live orchestrator holds. Returns how many started.</summary>
    public Task<int> ResumeUnfinishedAsync(CancellationToken cancellationToken) => _resumer.ResumeUnfinishedAsync(cancellationToken);

    /// <summary>Stops every run where it stands (nothing is marked failed or cancelled) and gives up the leases, so
    /// that the next orchestrator resumes them.</summary>
    public ValueTask DisposeAsync() => _runs.DisposeAsync();
}
