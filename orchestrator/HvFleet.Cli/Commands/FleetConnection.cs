using HvFleet.Protos.Orchestrator.V1;
using HvFleet.Rpc.Client;

namespace HvFleet.Cli.Commands;

/// <summary>A channel and Fleet client to the orchestrator.</summary>
internal sealed class FleetConnection : IDisposable
{
    private readonly GrpcChannel _channel;

    public FleetConnection(string address)
    {
        var uri = address.Contains("://", StringComparison.Ordinal) ? new Uri(address) : new Uri($"http://{address}");
        _channel = GrpcChannel.ForAddress(uri, new GrpcChannelOptions { ConnectTimeout = TimeSpan.FromSeconds(5), MaxReceiveMessageSize = 64 * 1024 * 1024 });
        Client = new Fleet.FleetClient(_channel);
    }

    public Fleet.FleetClient Client { get; }

    public void Dispose() => _channel.Dispose();
}
