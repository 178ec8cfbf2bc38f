using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Grpc.Net.Client;
using HvFleet.Security.Hosting;
using HvFleet.Security.Unix;

namespace HvFleet.Security.Clients;

/// <summary>
/// The one way HvFleet opens a grpc-dotnet channel: to <c>http://host:port</c> (h2c), <c>https://host:port</c> (TLS, ALPN h2)
/// or <c>unix:/PATH</c> (h2c on a Unix socket). A channel is made once per server and reused for every call: HTTP/2
/// streams share its connections, and more connections open when a server's stream limit is reached.
/// </summary>
public static class FleetChannels
{
    // Keep-alive pings only while calls are in flight: C-core servers count idle pings as strikes (reference §1.5).
    private static readonly TimeSpan KeepAlivePingDelay = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan KeepAlivePingTimeout = TimeSpan.FromSeconds(30);

    // Connections are replaced after this long (new calls go to a new one, running ones finish), so a rotated
    // client certificate and a moved DNS name are picked up without a restart.
    private static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan ConnectionIdleTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Opens a channel to <paramref name="address"/> (a URL or <c>unix:/PATH</c>).</summary>
    public static GrpcChannel Create(string address, FleetChannelOptions? options = null) =>
        Create(AddressToUri(address, useTls: false), options);

    /// <summary>Opens a channel to <paramref name="address"/> (<c>http</c>, <c>https</c> or <c>unix</c> scheme).</summary>
    public static GrpcChannel Create(Uri address, FleetChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        options ??= new FleetChannelOptions();
        if (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps && address.Scheme != UnixSocketAddress.UriScheme)
        {
            throw new ArgumentException($"Address '{address}' must use http:// (h2c), https:// (TLS) or unix:/PATH (h2c on a Unix socket).", nameof(address));
        }

        var handler = CreateHandler(address, options);
        var target = address.Scheme == UnixSocketAddress.UriScheme ? new Uri("http://localhost") : address;
        return GrpcChannel.ForAddress(target, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = options.MaxReceiveMessageSize ?? 4 * 1024 * 1024,

            // HvFleet's callers retry by their own policy (the orchestrator's task runner); no service-config retries
            // or hedging are stacked on it.
            MaxRetryAttempts = null,
        });
    }

    /// <summary>An endpoint as users write it: a URL keeps its scheme; <c>host:port</c> becomes <c>https://host:port</c>
    /// when <paramref name="useTls"/>, else <c>http://host:port</c> (h2c); <c>unix:/PATH</c> becomes <c>unix:///PATH</c>
    /// (always h2c). Throws <see cref="ArgumentException"/> for a malformed <c>unix:</c> address.</summary>
    public static Uri AddressToUri(string address, bool useTls)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        if (UnixSocketAddress.IsUnix(address))
        {
            return UnixSocketAddress.TryParse(address, out var path, out var error)
                ? UnixSocketAddress.ToUri(path)
                : throw new ArgumentException(error, nameof(address));
        }

        if (address.Contains("://", StringComparison.Ordinal))
        {
            return new Uri(address, UriKind.Absolute);
        }

        // Text that is not HOST:PORT is passed on as written, as it always was: the channel's first call reports it.
        return HostPort.TryParse(address, HostPortOptions.Remote, out var hostPort, out _)
            ? hostPort.ToUri(useTls)
            : new Uri($"{(useTls ? "https" : "http")}://{address}", UriKind.Absolute);
    }

    private static SocketsHttpHandler CreateHandler(Uri address, FleetChannelOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionLifetime = ConnectionLifetime,
            PooledConnectionIdleTimeout = ConnectionIdleTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            KeepAlivePingDelay = KeepAlivePingDelay,
            KeepAlivePingTimeout = KeepAlivePingTimeout,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
        };
        if (address.Scheme == UnixSocketAddress.UriScheme)
        {
            var endPoint = new UnixDomainSocketEndPoint(UnixSocketAddress.PathOf(address));
            handler.ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }
        else if (address.Scheme == Uri.UriSchemeHttps)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                ApplicationProtocols = [SslApplicationProtocol.Http2],
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                TargetHost = options.TargetHost,
                RemoteCertificateValidationCallback = options.ServerCertificateValidation,
                LocalCertificateSelectionCallback = options.ClientCertificateSelection,
            };
        }

        options.ConfigureHttpHandler?.Invoke(handler);
        return handler;
    }
}
