using Grpc.Health.V1;
using Grpc.HealthCheck;
using HvFleet.Orchestrator.Inventory;
using HvFleet.Security.Hosting;
using HvFleet.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace HvFleet.Orchestrator.Tests.Fakes;

/// <summary>Each fake agent served by its own Kestrel server on a free loopback port.</summary>
internal sealed class LoopbackAgents : IAsyncDisposable
{
    private readonly List<LoopbackGrpcServer> _servers = [];

    public List<FleetHost> Hosts { get; } = [];

    public static async Task<LoopbackAgents> StartAsync(FakeAgentFleet fleet)
    {
        var agents = new LoopbackAgents();
        foreach (var agent in fleet.Agents)
        {
            var server = await LoopbackGrpcServer.StartAsync(services => services.AddSingleton(new FakeHostAgentService(agent)), app =>
            {
                app.Services.GetRequiredService<FleetHealth>().SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving);
                app.MapGrpcService<HealthServiceImpl>();
                app.MapGrpcService<FakeHostAgentService>();
            });
            agents._servers.Add(server);
            agents.Hosts.Add(new FleetHost { Name = agent.Name, Address = server.Address.ToString().TrimEnd('/'), StorageKey = agent.StorageKey });
        }

        return agents;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }
}
