using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using HvFleet.Orchestrator.Inventory;
using HvFleet.Rpc.Client;
using Microsoft.Extensions.Options;

namespace HvFleet.Orchestrator.Agents.Grpc;

/// <summary>One gRPC channel (one HTTP/2 connection pool) per agent, created on first use and reused by every call.
/// A host whose address changed in a reloaded inventory gets a new channel; the old one lives until disposal so that
/// calls still running on it finish.</summary>
internal sealed class GrpcAgentConnector : IAgentConnector, IDisposable
{
    private readonly AgentConnectionOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<string, GrpcAgentClient> _clients = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentBag<GrpcChannel> _retired = [];
    private readonly X509Certificate2? _ca;
    private readonly X509Certificate2Collection? _clientCertificates;

    public GrpcAgentConnector(IOptions<AgentConnectionOptions> options, TimeProvider timeProvider)
    {
        _options = options.Value;
        _timeProvider = timeProvider;
        if (_options.CaCertificatePath.Length > 0)
        {
            _ca = X509CertificateLoader.LoadCertificateFromFile(_options.CaCertificatePath);
        }

        if (_options.ClientCertificatePath.Length > 0)
        {
            _clientCertificates = [X509Certificate2.CreateFromPemFile(_options.ClientCertificatePath, _options.ClientKeyPath)];
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

            var created = new GrpcAgentClient(CreateChannel(uri, host.TlsIdentity), uri, host.TlsIdentity, _options, _timeProvider);
            if (_clients.TryAdd(host.Name, created))
            {
                return created;
            }

            created.Channel.Dispose();
        }
    }

    /// <summary>host:port becomes http(s)://host:port; a URL is kept.</summary>
    public static Uri AddressToUri(string address, bool useTls) =>
        address.Contains("://", StringComparison.Ordinal)
            ? new Uri(address, UriKind.Absolute)
            : new Uri($"{(useTls ? "https" : "http")}://{address}", UriKind.Absolute);

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

        _ca?.Dispose();
    }

    private GrpcChannel CreateChannel(Uri uri, string tlsIdentity)
    {
        var channelOptions = new GrpcChannelOptions
        {
            ConnectTimeout = _options.ConnectTimeout,
            TimeProvider = _timeProvider,
            ClientCertificates = _clientCertificates,
            TargetHost = tlsIdentity.Length > 0 ? tlsIdentity : null,
        };
        if (_ca is not null)
        {
            channelOptions.ServerCertificateValidation = ValidateAgainstFleetCa;
        }

        return GrpcChannel.ForAddress(uri, channelOptions);
    }

    // The agent's certificate must chain to the fleet CA (and only to it) and match the expected name.
    private bool ValidateAgainstFleetCa(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(_ca!);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return custom.Build(leaf);
    }
}
