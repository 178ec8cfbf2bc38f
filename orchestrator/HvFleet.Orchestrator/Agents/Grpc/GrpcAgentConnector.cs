using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using HvFleet.Orchestrator.Inventory;
using Grpc.Net.Client;
using HvFleet.Security.Clients;
using HvFleet.Security.Tls;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HvFleet.Orchestrator.Agents.Grpc;

/// <summary>One gRPC channel (one HTTP/2 connection pool) per agent, created on first use and reused by every call.
/// A host whose address changed in a reloaded inventory gets a new channel; the old one lives until disposal so that
/// calls still running on it finish.
/// With a fleet CA configured, TLS is mutual and checked both ways (<see cref="FleetClientTls"/>): the orchestrator's client
/// certificate (reloaded when its files change) is presented, and each agent must chain to the CA and name the inventory's
/// expected identity (its TLS identity, else the host part of its address).</summary>
internal sealed class GrpcAgentConnector : IAgentConnector, IDisposable
{
    private readonly AgentConnectionOptions _options;
    private readonly ConcurrentDictionary<string, GrpcAgentClient> _clients = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentBag<GrpcChannel> _retired = [];
    private readonly FleetClientTls? _fleetTls;
    private readonly X509Certificate2? _clientCertificate;

    public GrpcAgentConnector(IOptions<AgentConnectionOptions> options, TimeProvider timeProvider, ILoggerFactory? loggers = null)
    {
        _options = options.Value;
        bool withClientCertificate = _options.ClientCertificatePath.Length > 0;
        if (_options.CaCertificatePath.Length > 0)
        {
            _fleetTls = new FleetClientTls(
                withClientCertificate ? _options.ClientCertificatePath : null,
                withClientCertificate ? _options.ClientKeyPath : null,
                _options.CaCertificatePath, timeProvider, loggers ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        }
        else if (withClientCertificate)
        {
            _clientCertificate = X509Certificate2.CreateFromPemFile(_options.ClientCertificatePath, _options.ClientKeyPath);
        }
    }

    public IAgentClient GetClient(FleetHost host)
    {
        var uri = AddressToUri(host.Address, _options.UseTls);
        while (true)
        {
            if (_clients.TryGetValue(host.Name, out var existing))
            {
                if (existing.Address == uri && existing.TlsIdentity == host.TlsIdentity)
                {
                    return existing;
                }

                if (_clients.TryRemove(new KeyValuePair<string, GrpcAgentClient>(host.Name, existing)))
                {
                    _retired.Add(existing.Channel);
                }

                continue;
            }

            var created = new GrpcAgentClient(CreateChannel(uri, host.TlsIdentity), uri, host.TlsIdentity, _options);
            if (_clients.TryAdd(host.Name, created))
            {
                return created;
            }

            created.Channel.Dispose();
        }
    }

    /// <summary>host:port becomes http(s)://host:port; a URL is kept (<see cref="FleetChannels.AddressToUri"/>).</summary>
    public static Uri AddressToUri(string address, bool useTls) => FleetChannels.AddressToUri(address, useTls);

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Channel.Dispose();
        }

        foreach (var channel in _retired)
        {
            channel.Dispose();
        }

        _fleetTls?.Dispose();
        _clientCertificate?.Dispose();
    }

    /// <summary>The name an agent's certificate must carry: the inventory's TLS identity, else the address's host.</summary>
    public static string ExpectedIdentity(Uri uri, string tlsIdentity) => tlsIdentity.Length > 0 ? tlsIdentity : uri.IdnHost;

    private GrpcChannel CreateChannel(Uri uri, string tlsIdentity)
    {
        if (_fleetTls is not null && uri.Scheme == Uri.UriSchemeHttps)
        {
            var secure = _fleetTls.CreateChannelOptions(ExpectedIdentity(uri, tlsIdentity), _options.ConnectTimeout);
            return FleetChannels.Create(uri, secure);
        }

        var certificate = _clientCertificate;
        return FleetChannels.Create(uri, new FleetChannelOptions
        {
            ConnectTimeout = _options.ConnectTimeout,
            ClientCertificateSelection = certificate is null ? null : (_, _, _, _, _) => certificate,
            TargetHost = tlsIdentity.Length > 0 ? tlsIdentity : null,
        });
    }
}
