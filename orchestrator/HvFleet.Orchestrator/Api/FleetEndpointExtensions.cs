using HvFleet.Orchestrator.Hosting;
using HvFleet.Orchestrator.Store;
using HvFleet.Rpc.Health;
using HvFleet.Rpc.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace HvFleet.Orchestrator.Api;

/// <summary>Maps the orchestrator's RPC surface.</summary>
public static class FleetEndpointExtensions
{
    /// <summary>Maps <c>hvfleet.orchestrator.v1.Fleet</c> (needs AddRpcServer and AddFleetOrchestrator); its requests are
    /// refused with RESOURCE_EXHAUSTED above <paramref name="maxReceiveMessageBytes"/> (null: the server's default, 4 MiB).</summary>
    public static RpcServiceOptions MapFleetService(this IApplicationBuilder app, int? maxReceiveMessageBytes = null)
    {
        var service = app.MapRpcService<FleetService>();
        var services = app.ApplicationServices;
        if (services.GetService<IOperationStore>() is SqliteOperationStore sqlite)
        {
            service.Interceptors.Add(new OperationStoreStatusInterceptor(sqlite.DatabasePath, services.GetService<HealthStatusManager>(),
                services.GetService<OrchestratorFatalErrors>()));
        }

        return maxReceiveMessageBytes is { } limit ? service.WithMaxReceiveMessageSize(limit) : service;
    }
}
