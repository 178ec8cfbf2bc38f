using HvFleet.Security.Clients;
using System.Globalization;
using HvFleet.Agent.Hosting;
using HvFleet.Protos.Agent.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace HvFleet.Cli.Tests.Functional.Restart;

/// <summary>A real lab agent (the agent executable's host) in the test process, on a free loopback port, with its own
/// data directory; <see cref="Client"/> talks to it directly over gRPC, bypassing whatever the orchestrator sees.</summary>
internal sealed class InProcessLabAgent : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessLabAgent(string name, WebApplication app, string address)
    {
        Name = name;
        _app = app;
        Address = address;
        Channel = FleetChannels.Create(new Uri($"http://{address}"));
        Client = new HostAgent.HostAgentClient(Channel);
    }

    public string Name { get; }

    /// <summary>host:port.</summary>
    public string Address { get; }

    public GrpcChannel Channel { get; }

    public HostAgent.HostAgentClient Client { get; }

    /// <param name="name">Host name (also the lab's host name).</param>
    /// <param name="root">Parent directory; the agent's data directory is root/name.</param>
    /// <param name="snapshotLatency">Lab latency of every CreateSnapshot (the job stays Running that long).</param>
    /// <param name="groups">VM groups seeded on the host.</param>
    public static async Task<InProcessLabAgent> StartAsync(string name, string root, TimeSpan snapshotLatency, int groups)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Agent:Listen"] = "127.0.0.1:0",
            ["Agent:InsecureLoopbackTcp"] = "true",
            ["Agent:InsecureLoopbackRole"] = "admin",
            ["Agent:Backend"] = "lab",
            ["Agent:DataDirectory"] = Path.Combine(root, name),
            ["Lab:HostName"] = name,
            ["Lab:SeedCollections"] = groups.ToString(CultureInfo.InvariantCulture),
            ["Lab:SeedDiskSizeBytes"] = (256 * 1024).ToString(CultureInfo.InvariantCulture),
            ["Lab:GuestIoEnabled"] = "false",
            ["Lab:OperationFaults:CreateSnapshot:Delay"] = snapshotLatency.ToString("c", CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var app = AgentHost.Build(settings);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new InProcessLabAgent(name, app, new Uri(address).Authority);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
