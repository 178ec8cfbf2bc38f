using System.Security.Cryptography;
using HvFleet.Orchestrator.Inventory;
using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Store;
using Microsoft.Extensions.Logging;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>StartFleetSnapshot, StartFleetExport and RetryOperation: checks the request, creates the operation in the
/// store (a repeated request id returns the first one), claims its lease and hands it to <see cref="OperationRuns"/>.
/// A dry run is planned and stored as Planned instead.</summary>
internal sealed partial class OperationLauncher(
    IFleetInventory inventory,
    OperationPlanner planner,
    OperationRuns runs,
    LeaseKeeper leases,
    IOperationStore store,
    TimeProvider timeProvider,
    ILogger<OperationLauncher> logger)
{
    public async Task<FleetResult<FleetOperation>> StartSnapshotAsync(FleetSnapshotRequest request, CancellationToken cancellationToken)
    {
        var errors = OperationRequestChecks.Snapshot(request, inventory.Hosts);
        if (errors.Count > 0)
        {
            return FleetResult<FleetOperation>.Fail(FleetErrorCode.InvalidArgument, string.Join("; ", errors));
        }

        var operation = new FleetOperation
        {
            Id = OperationIdFor(OperationKind.Snapshot, "", request.RequestId),
            Kind = OperationKind.Snapshot,
            CreatedAt = timeProvider.GetUtcNow(),
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
        var errors = OperationRequestChecks.Export(request);
        var source = string.IsNullOrEmpty(request.SnapshotOperationId) ? null : await runs.GetAsync(request.SnapshotOperationId, cancellationToken);
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
            CreatedAt = timeProvider.GetUtcNow(),
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
        var plan = await planner.PlanAsync(operation, source, cancellationToken);
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
        var source = await runs.GetAsync(request.OperationId, cancellationToken);
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
        var errors = OperationRequestChecks.Retry(policy, request.RequestId);
        if (errors.Count > 0)
        {
            return FleetResult<FleetOperation>.Fail(FleetErrorCode.InvalidArgument, string.Join("; ", errors));
        }

        var operation = source with
        {
            Id = OperationIdFor(source.Kind, source.Id, request.RequestId),
            State = OperationState.Pending,
            CreatedAt = timeProvider.GetUtcNow(),
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

    private async Task<FleetResult<FleetOperation>> CreateAndStartAsync(FleetOperation operation, FleetOperation? source,
        CancellationToken cancellationToken)
    {
        if (operation.DryRun)
        {
            // The plan is made now (listing is the only agent call) and stored as Planned.
            var tasks = await planner.PlanAsync(operation, source, cancellationToken);
            var now = timeProvider.GetUtcNow();
            operation = operation with
            {
                State = OperationState.Planned,
                IsPlanned = true,
                Tasks = tasks,
                StartedAt = now,
                FinishedAt = now,
                Message = $"dry run: {tasks.Count} targets on {tasks.Select(t => t.HostName).Distinct(StringComparer.OrdinalIgnoreCase).Count()} hosts",
            };
            var planned = await store.CreateAsync(operation, cancellationToken);
            return FleetResult<FleetOperation>.Success(planned.Operation);
        }

        var created = await store.CreateAsync(operation, cancellationToken);
        if (!created.Created)
        {
            // Same request id as an earlier call: that operation, not a second one.
            return FleetResult<FleetOperation>.Success(await runs.GetAsync(created.Operation.Id, cancellationToken) ?? created.Operation);
        }

        if (!await leases.TryAcquireAsync(operation.Id, runs.OwnerId, cancellationToken))
        {
            throw new InvalidOperationException($"operation {operation.Id} was claimed by another orchestrator as it was created");
        }

        LogStarted(logger, operation.Id, operation.Kind, operation.RetryOf);
        var live = runs.Launch(operation, source, cancelAtOnce: false);
        return FleetResult<FleetOperation>.Success(live.Snapshot());
    }

    /// <summary>Derived from the caller's request id when there is one (a replay after a lost store then reaches the
    /// agents with the same request ids), else random.</summary>
    private static string OperationIdFor(OperationKind kind, string retryOf, string callerRequestId) =>
        callerRequestId.Length > 0 ? RequestIds.ForOperation(kind, retryOf, callerRequestId) : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    [LoggerMessage(EventId = 210, EventName = "OperationStarted", Level = LogLevel.Information,
        Message = "Operation {OperationId} ({Kind}) started; retry of '{RetryOf}'")]
    private static partial void LogStarted(ILogger logger, string operationId, OperationKind kind, string retryOf);
}
