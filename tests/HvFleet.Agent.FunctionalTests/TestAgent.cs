using HvFleet.Security.Clients;
using HvFleet.Agent.Hosting;
using HvFleet.Protos.Agent.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace HvFleet.Agent.FunctionalTests;

/// <summary>A real agent (the executable's host) on a free loopback port over a temporary data directory.</summary>
public sealed class TestAgent : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private TestAgent(WebApplication app, string dataDirectory, Uri address, FleetChannelOptions? channelOptions)
    {
        _app = app;
        DataDirectory = dataDirectory;
        Address = address;
        Channel = FleetChannels.Create(address, channelOptions);
        Client = new HostAgent.HostAgentClient(Channel);
    }

    public string DataDirectory { get; }

    public string ExportRoot => Path.Combine(DataDirectory, "exports");

    public Uri Address { get; }

    public GrpcChannel Channel { get; }

    public HostAgent.HostAgentClient Client { get; }

    /// <summary>Starts an agent; <paramref name="channelOptions"/> configures <see cref="Channel"/> (e.g. mTLS).</summary>
    public static async Task<TestAgent> StartAsync(string? dataDirectory = null, IDictionary<string, string?>? settings = null, FleetChannelOptions? channelOptions = null)
    {
        dataDirectory ??= Directory.CreateTempSubdirectory("hvfleet-agent-test-").FullName;
        var all = new Dictionary<string, string?>
        {
            ["Agent:Listen"] = "127.0.0.1:0",
            ["Agent:InsecureLoopbackTcp"] = "true",
            ["Agent:InsecureLoopbackRole"] = "admin",
            ["Agent:DataDirectory"] = dataDirectory,
            ["Lab:SeedDiskSizeBytes"] = (256 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Lab:SeedRandomSeed"] = "7",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var app = AgentHost.Build(all);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestAgent(app, dataDirectory, new Uri(address), channelOptions);
    }

    /// <summary>Stops the agent (drain, then server) but keeps its data directory.</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            Channel.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>Runs a streaming job call to its end and returns every event.</summary>
    public static async Task<List<JobEvent>> CollectAsync(AsyncServerStreamingCall<JobEvent> call)
    {
        using (call)
        {
            var events = new List<JobEvent>();
            await foreach (var e in call.ResponseStream.ReadAllAsync())
            {
                events.Add(e);
            }

            return events;
        }
    }

    public async Task<Collection> FirstCollectionAsync() => (await Client.ListCollectionsAsync(new ListCollectionsRequest())).Collections.OrderBy(c => c.Name).First();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
