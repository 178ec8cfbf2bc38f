using Grpc.AspNetCore.Server;
using HvFleet.Orchestrator.Hosting;
using HvFleet.Orchestrator.Store;
using HvFleet.Security.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HvFleet.Orchestrator.Api;

/// <summary>The orchestrator's RPC surface on grpc-dotnet.</summary>
public static class FleetEndpointExtensions
{
    /// <summary>Registers <c>hvfleet.orchestrator.v1.Fleet</c> on the gRPC server (after AddFleetGrpc, with
    /// AddFleetOrchestrator): its requests are refused with RESOURCE_EXHAUSTED above <c>Limits:MaxReceiveMessageBytes</c>,
    /// and a failing SQLite operation store turns into UNAVAILABLE (or RESOURCE_EXHAUSTED when its disk is full).</summary>
    public static IGrpcServerBuilder AddFleetService(this IGrpcServerBuilder grpc)
    {
        ArgumentNullException.ThrowIfNull(grpc);
        grpc.Services.TryAddSingleton(provider => new OperationStoreStatusInterceptor(
            (provider.GetService<IOperationStore>() as SqliteOperationStore)?.DatabasePath,
            provider.GetService<FleetHealth>(),
            provider.GetService<OrchestratorFatalErrors>()));
        return grpc
            .WithReceiveLimit<FleetService>(limits => limits.MaxReceiveMessageBytes)
            .AddServiceOptions<FleetService>(o => o.Interceptors.Add<OperationStoreStatusInterceptor>());
    }

    /// <summary>Maps <c>hvfleet.orchestrator.v1.Fleet</c> (registered with <see cref="AddFleetService"/>).</summary>
    public static GrpcServiceEndpointConventionBuilder MapFleetService(this IEndpointRouteBuilder app) => app.MapGrpcService<FleetService>();
}
