using Microsoft.AspNetCore.Builder;

namespace HvFleet.Orchestrator.Api;

/// <summary>Maps the orchestrator's RPC surface.</summary>
public static class FleetEndpointExtensions
{
    /// <summary>Maps <c>hvfleet.orchestrator.v1.Fleet</c> (needs AddRpcServer and AddFleetOrchestrator).</summary>
    public static IApplicationBuilder MapFleetService(this IApplicationBuilder app)
    {
        app.MapRpcService<FleetService>();
        return app;
    }
}
