using System.Collections.Concurrent;
using HvFleet.Orchestrator.Agents;
using HvFleet.Orchestrator.Hosting;
using HvFleet.Orchestrator.Inventory;
using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Progress;
using HvFleet.Orchestrator.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>The orchestrator: starts, runs, resumes, cancels, retries and watches fleet operations. Operations run in
/// the background; every state change is written to the <see cref="IOperationStore"/> before watchers see the end.</summary>
public sealed partial class FleetEngine : IAsyncDisposable
{
    private readonly IFleetInventory _inventory;
    private readonly IOperationStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly OrchestratorOptions _options;
    private readonly ILogger<FleetEngine> _logger;
    private readonly OperationPlanner _planner;
    private readonly OperationRunner _runner;
    private readonly HostProber _prober;
    private readonly CancelRequestPoller _cancelPoller;
    private readonly ConcurrentDictionary<string, LiveOperation> _live = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _runs = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private bool _initialized;
    private readonly OrchestratorFatalErrors? _fatal;

    public FleetEngine(
        IFleetInventory inventory,
        IAgentConnector connector,
        IOperationStore store,
        TimeProvider timeProvider,
        IOptions<OrchestratorOptions> options,
        ILogger<FleetEngine> logger,
        OrchestratorFatalErrors? fatal = null)
    {
        _fatal = fatal;
        _inventory = inventory;
        _store = store;
        _timeProvider = timeProvider;
        _options = options.Value;
        _logger = logger;
        _planner = new OperationPlanner(inventory, connector, timeProvider, _options);
        var taskRunner = new TaskRunner(inventory, connector, store, timeProvider, _options, logger);
        _runner = new OperationRunner(_planner, taskRunner, store, timeProvider, logger);
        _prober = new HostProber(inventory, connector, timeProvider, _options, logger);
        _cancelPoller = new CancelRequestPoller(store, timeProvider, _options, logger);
        OwnerId = LeaseOwners.Create();
    }

    /// <summary>This orchestrator's lease owner name.</summary>
    public string OwnerId { get; }

    /// <summary>Hosts with reachability, backend and version (probed now when <paramref name="refresh"/>, else cached).</summary>
    public async Task<IReadOnlyList<HostStatus>> ListHostsAsync(HostSelector selector, bool refresh, CancellationToken cancellationToken) =>
        await _prober.ListAsync(selector, refresh, cancellationToken);

    public async Task<FleetResult<FleetOperation>> StartSnapshotAsync(FleetSnapshotRequest request, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        var errors = new List<string>(request.Policy.Validate());
        if (request.Hosts.IsEmpty)
        {
            errors.Add("hosts: select all, names or labels");
        }
        else
        {
            var (hosts, unknown) = HostSelection.Select(_inventory.Hosts, request.Hosts);
            if (unknown.Count > 0)
            {
                errors.Add($"hosts.names: not in the inventory: {string.Join(", ", unknown)}");
            }
            else if (hosts.Count == 0)
            {
                errors.Add("hosts: no inventory host matches the selector");
            }
        }

        if (request.Targets.Kind != TargetSelectorKind.AllCollections && request.Targets.Names.Count == 0)
        {
            errors.Add("targets: name at least one VM group or VM");
        }

        if (request.Targets.Names.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("targets: names must not be empty");
        }

        if (request.Name.Length > 100)
        {
            errors.Add("name: at most 100 characters");
        }

        RequestText.RefuseBidiControls("name", request.Name, errors);
        RequestText.RefuseBidiControls("request_id", request.RequestId, errors);
        for (var i = 0; i < request.Targets.Names.Count; i++)
        {
            RequestText.RefuseBidiControls($"targets.names[{i}]", request.Targets.Names[i], errors);
        }

        if (request.Kind is not (FleetSnapshotKind.Standard or FleetSnapshotKind.Recovery))
        {
            errors.Add("snapshot_type: must be STANDARD or RECOVERY");
        }

        if (errors.Count > 0)
        {
            return FleetResult<FleetOperation>.Fail(FleetErrorCode.InvalidArgument, string.Join("; ", errors));
        }

        var operation = new FleetOperation
        {
            Id = OperationIdFor(OperationKind.Snapshot, "", request.RequestId),
            Kind = OperationKind.Snapshot,
            CreatedAt = _timeProvider.GetUtcNow(),
            RequestId = request.RequestId,
            Hosts = request.Hosts,
            Targets = request.Targets,
            SnapshotKind = request.Kind,
            SnapshotName = request.Name,
            Policy = request.Policy,
            DryRun = request.DryRun,
        };
        return await CreateAndStartAsync(operation, source: null, cancellationToken);
    }

    public async Task<FleetResult<FleetOperation>> StartExportAsync(FleetExportRequest request, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        var errors = new List<string>(request.Policy.Validate());
        if (DestinationTemplate.Validate(request.DestinationTemplate) is { } templateError)
        {
            errors.Add(templateError);
        }

        RequestText.RefuseBidiControls("destination_template", request.DestinationTemplate, errors);
        RequestText.RefuseBidiControls("request_id", request.RequestId, errors);

        var source = string.IsNullOrEmpty(request.SnapshotOperationId) ? null : await GetAsync(request.SnapshotOperationId, cancellationToken);
        if (source is null)
        {
            return FleetResult<FleetOperation>.Fail(FleetErrorCode.NotFound, $"snapshot_operation_id: no operation '{request.SnapshotOperationId}'");
        }

        if (source.Kind != OperationKind.Snapshot || source.DryRun)
        {
            errors.Add($"snapshot_operation_id: operation {source.Id} is not a snapshot operation that ran");
        }
        else if (!source.State.IsTerminal())
        {
            return FleetResult<FleetOperation>.Fail(FleetErrorCode.FailedPrecondition, $"operation {source.Id} is still {source.State}; export it once it has finished");
        }
        else if (!source.Tasks.Any(t => t.Outcome == TaskOutcome.Succeeded && !t.CleanedUp && t.SnapshotIds.Count > 0))
        {
            return FleetResult<FleetOperation>.Fail(FleetErrorCode.FailedPrecondition, $"operation {source.Id} created no snapshots that still exist");
        }

        if (errors.Count > 0)
        {
            return FleetResult<FleetOperation>.Fail(FleetErrorCode.InvalidArgument, string.Join("; ", errors));
        }

        var operation = new FleetOperation
        {
            Id = OperationIdFor(OperationKind.Export, "", request.RequestId),
            Kind = OperationKind.Export,
            CreatedAt = _timeProvider.GetUtcNow(),
            RequestId = request.RequestId,
            Hosts = new HostSelector { Names = source.Tasks.Select(t => t.HostName).Distinct(StringComparer.OrdinalIgnoreCase).ToList() },
            Targets = source.Targets,
            SnapshotKind = source.SnapshotKind,
            Policy = request.Policy,
            DryRun = request.DryRun,
            SourceOperationId = source.Id,
            DestinationTemplate = request.DestinationTemplate,
            ExportOptions = request.Options,
        };

        // Two targets of one host must not share a directory: check the expanded plan before anything starts.
        var plan = await _planner.PlanAsync(operation, source, cancellationToken);
        var clash = plan.GroupBy(t => (t.HostName.ToUpperInvariant(), t.ExportPath)).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
        {
            return FleetResult<FleetOperation>.Fail(FleetErrorCode.InvalidArgument,
                $"destination_template: {clash.Count()} snapshots on {clash.First().HostName} would export to {clash.Key.ExportPath}; add {{target}}");
        }

        return await CreateAndStartAsync(operation, source, cancellationToken);
    }

    public async Task<FleetResult<FleetOperation>> RetryAsync(RetryRequest request, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        var source = await GetAsync(request.OperationId, cancellationToken);
        if (source is null)
        {
            return FleetResult<FleetOperation>.Fail(FleetErrorCode.NotFound, $"operation_id: no operation '{request.OperationId}'");
        }

        if (!source.State.IsTerminal() || source.DryRun)
        {
            return FleetResult<FleetOperation>.Fail(FleetErrorCode.FailedPrecondition, $"operation {source.Id} is {source.State}; only a finished operation can be retried");
        }

        if (!source.Tasks.Any(t => t.Outcome.IsRetryable()))
        {
            return FleetResult<FleetOperation>.Fail(FleetErrorCode.FailedPrecondition, $"operation {source.Id} has no failed, skipped, unreachable, timed-out or cancelled targets");
        }

        var policy = request.Policy ?? source.Policy;
        var retryErrors = new List<string>(policy.Validate());
        RequestText.RefuseBidiControls("request_id", request.RequestId, retryErrors);
        if (retryErrors is { Count: > 0 } policyErrors)
        {
            return FleetResult<FleetOperation>.Fail(FleetErrorCode.InvalidArgument, string.Join("; ", policyErrors));
        }

        var operation = source with
        {
            Id = OperationIdFor(source.Kind, source.Id, request.RequestId),
            State = OperationState.Pending,
            CreatedAt = _timeProvider.GetUtcNow(),
            StartedAt = null,
            FinishedAt = null,
            RequestId = request.RequestId,
            Policy = policy,
            RetryOf = source.Id,
            Message = "",
            IsPlanned = false,
            Tasks = [],
        };
        return await CreateAndStartAsync(operation, source, cancellationToken);
    }

    public async Task<FleetResult<FleetOperation>> CancelAsync(string operationId, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        if (_live.TryGetValue(operationId, out var live))
        {
            var cancelling = live.UpdateOperation(o => o.State.IsTerminal() ? o : o with { State = OperationState.Cancelling });
            await _store.UpdateOperationAsync(cancelling, cancellationToken);
            await live.Cancellation.CancelAsync();
            LogCancelling(_logger, operationId);
            return FleetResult<FleetOperation>.Success(cancelling);
        }

        // Run by another orchestrator (or not resumed yet): marked Cancelling in one statement, which its owner's writes
        // never undo; the owner polls for it (CancelRequestPoller) and stops the run. An ended operation is left as it is.
        var stored = await _store.RequestCancelAsync(operationId, cancellationToken);
        return stored is null
            ? FleetResult<FleetOperation>.Fail(FleetErrorCode.NotFound, $"operation_id: no operation '{operationId}'")
            : FleetResult<FleetOperation>.Success(stored);
    }

    /// <summary>The live view while the operation runs here, else the stored one; null when unknown.</summary>
    public async Task<FleetOperation?> GetAsync(string operationId, CancellationToken cancellationToken)
    {
        if (_live.TryGetValue(operationId, out var live))
        {
            return live.Snapshot();
        }

        await EnsureInitializedAsync(cancellationToken);
        return await _store.GetAsync(operationId, cancellationToken);
    }

    public async Task<IReadOnlyList<FleetOperation>> ListAsync(OperationQuery query, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        var stored = await _store.ListAsync(query, cancellationToken);
        return stored.Select(o => _live.TryGetValue(o.Id, out var live) ? live.Snapshot() : o).ToList();
    }

    /// <summary>The whole operation first, then task changes with summaries, and last the whole operation as stored in
    /// its terminal state. An operation run by another orchestrator (or by none just now) is followed through the store,
    /// read every <see cref="OrchestratorOptions.WatchPollInterval"/>. Null when the operation is unknown.</summary>
    public async Task<IAsyncEnumerable<OperationEvent>?> WatchAsync(string operationId, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        _live.TryGetValue(operationId, out var live);
        if (live is null && await _store.GetAsync(operationId, cancellationToken) is null)
        {
            return null;
        }

        return WatchCoreAsync(operationId, live, cancellationToken);
    }

    /// <summary>Waits until the operation is no longer running here and returns it as stored.</summary>
    public async Task<FleetOperation?> WaitAsync(string operationId, CancellationToken cancellationToken)
    {
        if (_live.TryGetValue(operationId, out var live))
        {
            await live.Finished.Task.WaitAsync(cancellationToken);
        }

        await EnsureInitializedAsync(cancellationToken);
        return await _store.GetAsync(operationId, cancellationToken);
    }

    /// <summary>Claims and resumes unfinished operations that no live orchestrator holds. Returns how many started.</summary>
    public async Task<int> ResumeUnfinishedAsync(CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        var unfinished = await _store.ListAsync(new OperationQuery
        {
            States = [OperationState.Pending, OperationState.Running, OperationState.Cancelling],
            Limit = 10_000,
        }, cancellationToken);
        if (_options.ReclaimLeasesOfGoneOwners && unfinished.Any(o => !o.DryRun && !_live.ContainsKey(o.Id)))
        {
            // A predecessor on this machine that crashed (its process is gone) holds its leases until they expire:
            // free them now so that its operations resume at once.
            int freed = await _store.ReleaseLeasesOfGoneOwnersAsync(LeaseOwners.IsGone, cancellationToken);
            if (freed > 0)
            {
                LogLeasesFreed(_logger, freed);
            }
        }

        int resumed = 0;
        foreach (var operation in unfinished.Where(o => !o.DryRun && !_live.ContainsKey(o.Id)))
        {
            if (!await _store.TryAcquireLeaseAsync(operation.Id, OwnerId, _timeProvider.GetUtcNow() + _options.LeaseDuration, cancellationToken))
            {
                continue;
            }

            var source = operation.RetryOf.Length > 0 ? await _store.GetAsync(operation.RetryOf, cancellationToken)
                : operation.SourceOperationId.Length > 0 ? await _store.GetAsync(operation.SourceOperationId, cancellationToken)
                : null;
            int open = operation.Tasks.Count(t => !t.Outcome.IsTerminal());
            LogResuming(_logger, operation.Id, operation.State, open);
            Launch(operation, source, cancelAtOnce: operation.State == OperationState.Cancelling);
            resumed++;
        }

        return resumed;
    }

    /// <summary>Stops every run where it stands (nothing is marked failed or cancelled) and gives up the leases, so
    /// that the next orchestrator resumes them.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_shutdown.IsCancellationRequested)
        {
            return;
        }

        await _shutdown.CancelAsync();
        await Task.WhenAll(_runs.Values);
        LeaseOwners.Retire(OwnerId);
        _shutdown.Dispose();
        _initLock.Dispose();
    }
}
