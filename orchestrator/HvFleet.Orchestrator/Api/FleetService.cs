using HvFleet.Orchestrator.Fanout;
using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Store;
using HvFleet.Protos.Orchestrator.V1;
using Grpc.Core;
using HvFleet.Security.Audit;
using PbAgent = HvFleet.Protos.Agent.V1;

namespace HvFleet.Orchestrator.Api;

/// <summary><c>hvfleet.orchestrator.v1.Fleet</c> over the engine. Refusals become gRPC statuses here, and only here.
/// Mutating handlers tell the audit log (when the security layer is on) what they touched: the hosts named, the request id
/// and the operation id.</summary>
internal sealed class FleetService(FleetEngine engine, TimeProvider timeProvider) : Fleet.FleetBase
{
    public override async Task<ListHostsResponse> ListHosts(ListHostsRequest request, ServerCallContext context)
    {
        var hosts = await engine.ListHostsAsync(FleetProtoMapping.ToDomain(request.Selector), request.Refresh, context.CancellationToken);
        var response = new ListHostsResponse();
        response.Hosts.AddRange(hosts.Select(FleetProtoMapping.ToProto));
        return response;
    }

    public override async Task<StartFleetSnapshotResponse> StartFleetSnapshot(StartFleetSnapshotRequest request, ServerCallContext context)
    {
        var kind = request.SnapshotType switch
        {
            PbAgent.SnapshotType.Unspecified or PbAgent.SnapshotType.Recovery => FleetSnapshotKind.Recovery,
            PbAgent.SnapshotType.Standard => FleetSnapshotKind.Standard,
            _ => throw new RpcException(new Status(StatusCode.InvalidArgument, $"snapshot_type: unknown value {(int)request.SnapshotType}")),
        };
        var result = await engine.StartSnapshotAsync(new FleetSnapshotRequest
        {
            Hosts = FleetProtoMapping.ToDomain(request.Hosts),
            Targets = FleetProtoMapping.ToDomain(request.Targets),
            Kind = kind,
            Name = request.Name,
            Policy = FleetProtoMapping.ToDomain(request.Policy),
            RequestId = request.RequestId,
            DryRun = request.DryRun,
        }, context.CancellationToken);
        var audit = AuditContext.For(context).AddTargets(request.Hosts?.Names ?? []);
        audit.RequestId = NullIfEmpty(request.RequestId);
        var operation = Unwrap(result);
        audit.OperationId = operation.Id;
        return new StartFleetSnapshotResponse { Operation = ToProto(operation) };
    }

    public override async Task<StartFleetExportResponse> StartFleetExport(StartFleetExportRequest request, ServerCallContext context)
    {
        var result = await engine.StartExportAsync(new FleetExportRequest
        {
            SnapshotOperationId = request.SnapshotOperationId,
            DestinationTemplate = request.DestinationTemplate,
            Options = FleetProtoMapping.ToDomain(request.Settings, request.Overwrite),
            Policy = FleetProtoMapping.ToDomain(request.Policy),
            RequestId = request.RequestId,
            DryRun = request.DryRun,
        }, context.CancellationToken);
        var audit = AuditContext.For(context).AddTargets(request.SnapshotOperationId);
        audit.RequestId = NullIfEmpty(request.RequestId);
        var operation = Unwrap(result);
        audit.OperationId = operation.Id;
        return new StartFleetExportResponse { Operation = ToProto(operation) };
    }

    public override async Task WatchOperation(WatchOperationRequest request, IServerStreamWriter<Protos.Orchestrator.V1.OperationEvent> responseStream, ServerCallContext context)
    {
        var events = await engine.WatchAsync(request.OperationId, context.CancellationToken)
            ?? throw NotFound(request.OperationId);

        // This loop is the response stream's only writer.
        await foreach (var update in events.WithCancellation(context.CancellationToken))
        {
            await responseStream.WriteAsync(FleetProtoMapping.ToProto(update, timeProvider.GetUtcNow()));
        }
    }

    public override async Task<GetOperationResponse> GetOperation(GetOperationRequest request, ServerCallContext context)
    {
        var operation = await engine.GetAsync(request.OperationId, context.CancellationToken) ?? throw NotFound(request.OperationId);
        return new GetOperationResponse { Operation = ToProto(operation) };
    }

    public override async Task<ListOperationsResponse> ListOperations(ListOperationsRequest request, ServerCallContext context)
    {
        if (request.PageSize < 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "page_size: must not be negative"));
        }

        var operations = await engine.ListAsync(new OperationQuery
        {
            Limit = request.PageSize == 0 ? 50 : Math.Min(request.PageSize, 1000),
            States = request.State == Protos.Orchestrator.V1.OperationState.Unspecified ? [] : [FleetProtoMapping.ToDomain(request.State)],
        }, context.CancellationToken);
        var response = new ListOperationsResponse();
        response.Operations.AddRange(operations.Select(ToProto));
        return response;
    }

    public override async Task<CancelOperationResponse> CancelOperation(CancelOperationRequest request, ServerCallContext context)
    {
        AuditContext.For(context).OperationId = NullIfEmpty(request.OperationId);
        return new() { Operation = ToProto(Unwrap(await engine.CancelAsync(request.OperationId, context.CancellationToken))) };
    }

    public override async Task<RetryOperationResponse> RetryOperation(RetryOperationRequest request, ServerCallContext context)
    {
        var result = await engine.RetryAsync(new RetryRequest
        {
            OperationId = request.OperationId,
            RequestId = request.RequestId,
            Policy = request.Policy is null ? null : FleetProtoMapping.ToDomain(request.Policy),
        }, context.CancellationToken);
        var audit = AuditContext.For(context);
        audit.OperationId = NullIfEmpty(request.OperationId);
        audit.RequestId = NullIfEmpty(request.RequestId);
        return new RetryOperationResponse { Operation = ToProto(Unwrap(result)) };
    }

    private Operation ToProto(FleetOperation operation) => FleetProtoMapping.ToProto(operation, timeProvider.GetUtcNow());

    private static FleetOperation Unwrap(FleetResult<FleetOperation> result) => result.IsSuccess
        ? result.Value
        : throw new RpcException(new Status(result.Error.Code switch
        {
            FleetErrorCode.NotFound => StatusCode.NotFound,
            FleetErrorCode.FailedPrecondition => StatusCode.FailedPrecondition,
            _ => StatusCode.InvalidArgument,
        }, result.Error.Message));

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static RpcException NotFound(string operationId) => new(new Status(StatusCode.NotFound, $"operation_id: no operation '{operationId}'"));
}
