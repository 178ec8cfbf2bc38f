using Grpc.Health.V1;
using HvFleet.Orchestrator.Hosting;
using HvFleet.Orchestrator.Store;
using Grpc.Core;
using HvFleet.Security.Hosting;

namespace HvFleet.Orchestrator.Api;

/// <summary>
/// A Fleet call that meets an operation store it cannot use ends with a status naming the cause and the file
/// (RESOURCE_EXHAUSTED when the volume is full, UNAVAILABLE otherwise) instead of UNKNOWN "Exception was thrown by
/// handler". While the store cannot write, health is NOT_SERVING; the next start, cancel or retry that succeeds sets it back. A damaged
/// file is fatal: the orchestrator stops and exits 1.
/// </summary>
internal sealed class OperationStoreStatusInterceptor(string? databasePath, FleetHealth? health, OrchestratorFatalErrors? fatal)
    : CallInterceptor
{
    private int _unwritable;

    protected override async Task InterceptAsync(ServerCallContext context, MethodType kind, Func<Task> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            await continuation();
        }
        catch (Exception ex) when (ex is not RpcException && databasePath is not null && OperationStoreErrors.Describe(ex, databasePath) is { } failure)
        {
            Interlocked.Exchange(ref _unwritable, 1);
            health?.SetAll(HealthCheckResponse.Types.ServingStatus.NotServing);
            if (failure.Problem == OperationStoreProblem.Damaged)
            {
                fatal?.Report(failure.Message);
            }

            throw new RpcException(new Status(failure.Problem == OperationStoreProblem.NoSpace ? StatusCode.ResourceExhausted : StatusCode.Unavailable,
                failure.Message));
        }

        // Only a call that wrote (a start, cancel or retry) shows that the store can write again.
        if (IsWrite(context.Method) && Interlocked.Exchange(ref _unwritable, 0) == 1 && fatal?.Message is null)
        {
            health?.SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving);
        }
    }

    private static bool IsWrite(string method)
    {
        var name = method[(method.LastIndexOf('/') + 1)..];
        return name.StartsWith("Start", StringComparison.Ordinal) || name.StartsWith("Cancel", StringComparison.Ordinal)
            || name.StartsWith("Retry", StringComparison.Ordinal);
    }
}
