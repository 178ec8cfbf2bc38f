using System.Collections.Frozen;
using System.Net.Security;
using System.Net.Sockets;
using HvFleet.Rpc.Protocol;
using HvFleet.Rpc.Unix;

namespace HvFleet.Rpc.Client;

/// <summary>
/// A channel to one address: one <see cref="SocketsHttpHandler"/> (HTTP/2, h2c for http://,
/// TLS with ALPN h2 for https://, more connections past 100 streams) reused by every call. A <c>unix:///PATH</c>
/// address is h2c over that Unix domain socket (requests name <c>localhost</c> as their authority).
/// </summary>
public sealed class GrpcChannel : IDisposable
{
    private readonly HttpMessageInvoker _invoker;
    private readonly bool _disposeInvoker;

    private GrpcChannel(Uri address, GrpcChannelOptions options)
    {
        if (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps && address.Scheme != UnixSocketAddress.UriScheme)
        {
            throw new ArgumentException($"Address '{address}' must use http:// (h2c), https:// (TLS) or unix:/PATH (h2c on a Unix socket).", nameof(address));
        }

        Address = address;
        RequestBase = address.Scheme == UnixSocketAddress.UriScheme ? new Uri("http://localhost/") : address;
        Options = options;
        Compression = options.CompressionProviders.ToFrozenDictionary(p => p.EncodingName, StringComparer.OrdinalIgnoreCase);
        AcceptEncoding = string.Join(",", options.CompressionProviders.Select(p => p.EncodingName).Prepend(GrpcProtocol.IdentityEncoding));
        if (options.HttpHandler is { } handler)
        {
            _invoker = new HttpMessageInvoker(handler, options.DisposeHttpHandler);
            _disposeInvoker = true;
        }
        else
        {
            _invoker = new HttpMessageInvoker(CreateHandler(address, options), disposeHandler: true);
            _disposeInvoker = true;
        }
    }

    /// <summary>The server address.</summary>
    public Uri Address { get; }

    public GrpcChannelOptions Options { get; }

    /// <summary>The base of request URIs: the address, or http://localhost/ on a Unix socket.</summary>
    internal Uri RequestBase { get; }

    internal HttpMessageInvoker Invoker => _invoker;

    internal FrozenDictionary<string, ICompressionProvider> Compression { get; }

    internal string AcceptEncoding { get; }

    /// <summary>Creates a channel for <c>http://host:port</c> (h2c), <c>https://host:port</c> (TLS) or
    /// <c>unix:/PATH</c> (h2c on a Unix socket).</summary>
    public static GrpcChannel ForAddress(string address, GrpcChannelOptions? options = null) =>
        ForAddress(UnixSocketAddress.IsUnix(address) ? AddressToUri(address, useTls: false) : new Uri(address, UriKind.Absolute), options);

    public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions? options = null) =>
        new(address ?? throw new ArgumentNullException(nameof(address)), options ?? new GrpcChannelOptions());

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

        return address.Contains("://", StringComparison.Ordinal)
            ? new Uri(address, UriKind.Absolute)
            : new Uri($"{(useTls ? "https" : "http")}://{address}", UriKind.Absolute);
    }

    /// <summary>The invoker that typed clients use.</summary>
    public CallInvoker CreateCallInvoker() => new HttpCallInvoker(this);

    private static SocketsHttpHandler CreateHandler(Uri address, GrpcChannelOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            ConnectTimeout = options.ConnectTimeout,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,

            // Keepalive pings only while calls are in flight: C-core servers count idle pings as
            // strikes (reference §1.5).
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
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
                ClientCertificates = options.ClientCertificates,
                RemoteCertificateValidationCallback = options.ServerCertificateValidation,
                TargetHost = options.TargetHost,
            };
        }

        options.ConfigureHttpHandler?.Invoke(handler);
        return handler;
    }

    public void Dispose()
    {
        if (_disposeInvoker)
        {
            _invoker.Dispose();
        }
    }
}
