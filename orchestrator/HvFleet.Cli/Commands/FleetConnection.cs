using Grpc.Core.Interceptors;
using Grpc.Health.V1;
using HvFleet.Protos.Orchestrator.V1;
using Grpc.Net.Client;
using HvFleet.Security.Clients;
using HvFleet.Security.Unix;
using HvFleet.Security.Tls;
using Microsoft.Extensions.Logging.Abstractions;

namespace HvFleet.Cli.Commands;

/// <summary>TLS material of a client connection to the orchestrator; empty strings mean "not given".</summary>
/// <param name="CertificatePath">PEM certificate presented to the orchestrator.</param>
/// <param name="KeyPath">Its PEM private key.</param>
/// <param name="CaPath">PEM fleet CA the orchestrator must chain to.</param>
internal sealed record FleetConnectionSecurity(string CertificatePath, string KeyPath, string CaPath)
{
    public static FleetConnectionSecurity None { get; } = new("", "", "");

    public bool IsTls => CaPath.Length > 0 || CertificatePath.Length > 0;
}

/// <summary>A channel and Fleet client to the orchestrator: h2c, or mutual TLS where the orchestrator's certificate must
/// chain to the fleet CA and name the host the address gives.</summary>
internal sealed class FleetConnection : IDisposable
{
    private const int MaxReceiveMessageBytes = 64 * 1024 * 1024;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    // Every call has a deadline: a request and its reply within a minute; a watch follows an operation for up to a day.
    private static readonly TimeSpan UnaryTimeout = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan StreamTimeout = TimeSpan.FromHours(24);

    private readonly GrpcChannel _channel;
    private readonly FleetClientTls? _tls;

    private FleetConnection(GrpcChannel channel, FleetClientTls? tls)
    {
        _channel = channel;
        _tls = tls;
        var invoker = _channel.Intercept(new DefaultDeadlineInterceptor(UnaryTimeout, StreamTimeout));
        Client = new Fleet.FleetClient(invoker);
        Health = new Health.HealthClient(invoker);
    }

    public Fleet.FleetClient Client { get; }

    /// <summary>grpc.health.v1.Health on the same channel.</summary>
    public Health.HealthClient Health { get; }

    /// <summary>A plaintext connection: a unix:/PATH socket of an orchestrator served for its local owner, or a loopback
    /// orchestrator served with --insecure-loopback-tcp.</summary>
    public FleetConnection(string address)
        : this(FleetChannels.Create(FleetChannels.AddressToUri(address, useTls: false), new FleetChannelOptions { ConnectTimeout = ConnectTimeout, MaxReceiveMessageSize = MaxReceiveMessageBytes }), null)
    {
    }

    /// <summary>Opens a connection; throws <see cref="ArgumentException"/> naming the flag when the TLS material is incomplete or missing.</summary>
    public static FleetConnection Open(string address, FleetConnectionSecurity security)
    {
        ArgumentNullException.ThrowIfNull(security);
        if (UnixSocketAddress.IsUnix(address))
        {
            if (!UnixSocketAddress.TryParse(address, out _, out var unixError))
            {
                throw new ArgumentException($"--orchestrator {unixError}");
            }

            if (security.IsTls)
            {
                throw new ArgumentException($"--orchestrator '{address}' is a unix socket (plaintext for its owner): drop --tls-cert/--tls-key/--client-ca");
            }

            return new FleetConnection(address);
        }

        if (!security.IsTls)
        {
            if (address.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"--orchestrator '{address}' is https: give --client-ca (and --tls-cert/--tls-key) for mutual TLS");
            }

            return new FleetConnection(address);
        }

        var problems = new List<string>();
        if (security.CaPath.Length == 0)
        {
            problems.Add("--client-ca is required with TLS (the fleet CA the orchestrator's certificate chains to)");
        }

        if ((security.CertificatePath.Length > 0) != (security.KeyPath.Length > 0))
        {
            problems.Add("--tls-cert and --tls-key go together");
        }

        foreach (var (flag, path) in new[] { ("--tls-cert", security.CertificatePath), ("--tls-key", security.KeyPath), ("--client-ca", security.CaPath) })
        {
            if (path.Length > 0 && !File.Exists(path))
            {
                problems.Add($"{flag}: file '{path}' does not exist");
            }
        }

        if (address.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"--orchestrator '{address}' is plaintext http but TLS files were given: use host:port or https://");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems));
        }

        var uri = FleetChannels.AddressToUri(address, useTls: true);
        bool withCertificate = security.CertificatePath.Length > 0;
        var tls = new FleetClientTls(withCertificate ? security.CertificatePath : null, withCertificate ? security.KeyPath : null,
            security.CaPath, TimeProvider.System, NullLoggerFactory.Instance);
        try
        {
            var options = tls.CreateChannelOptions(uri.IdnHost, ConnectTimeout);
            options.MaxReceiveMessageSize = MaxReceiveMessageBytes;
            return new FleetConnection(FleetChannels.Create(uri, options), tls);
        }
        catch
        {
            tls.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _channel.Dispose();
        _tls?.Dispose();
    }
}
