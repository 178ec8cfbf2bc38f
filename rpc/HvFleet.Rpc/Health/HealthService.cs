using Grpc.Health.V1;
using HvFleet.Rpc.Server;

namespace HvFleet.Rpc.Health;

/// <summary>grpc.health.v1.Health over the <see cref="HealthStatusManager"/> (reference §3.1).</summary>
internal sealed class HealthService(HealthStatusManager manager) : Grpc.Health.V1.Health.HealthBase
{
    public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        if (!manager.TryGetStatus(request.Service, out var status))
        {
            throw new RpcException(StatusCode.NotFound, $"Service '{request.Service}' is not registered for health checks.");
        }

        return Task.FromResult(new HealthCheckResponse { Status = status });
    }

    public override async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        // Current status first, then every change; an unknown service stays open as SERVICE_UNKNOWN.
        var reader = manager.Subscribe(request.Service, out var subscription);
        using (subscription)
        {
            HealthCheckResponse.Types.ServingStatus? last = null;
            try
            {
                await foreach (var status in reader.ReadAllAsync(context.CancellationToken))
                {
                    if (status != last)
                    {
                        last = status;
                        await responseStream.WriteAsync(new HealthCheckResponse { Status = status }, context.CancellationToken);
                    }
                }
            }
            catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
            {
                // The client went away or the deadline passed: the call ends there.
            }
        }
    }
}
