using System.Net;
using HvFleet.Security.Unix;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace HvFleet.Security.Hosting;

/// <summary>Kestrel endpoints for gRPC: h2c with prior knowledge, or TLS with ALPN h2.</summary>
public static class GrpcKestrelExtensions
{
    /// <summary>
    /// Cleartext HTTP/2 only: without TLS there is no ALPN, so an HTTP/1+2 endpoint could not
    /// negotiate h2 (reference §5.1).
    /// </summary>
    public static void ListenGrpcCleartext(this KestrelServerOptions options, IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddServerHeader = false;
        options.Listen(endPoint, listen => listen.Protocols = HttpProtocols.Http2);
    }

    /// <summary>
    /// Cleartext HTTP/2 on a Unix domain socket at <paramref name="path"/>, for the local owner: the socket file is
    /// owner-only (0600; made so by the bind hook <c>AddFleetGrpc</c> installs), and each connection carries the
    /// peer's kernel credentials (<see cref="UnixPeerCredentials"/>, read once with SO_PEERCRED) for authorization
    /// and audit. Check <see cref="UnixSocketListener.ListenProblems"/> first for friendly errors.
    /// </summary>
    public static void ListenGrpcUnixSocket(this KestrelServerOptions options, string path)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(path);
        options.AddServerHeader = false;
        options.ListenUnixSocket(path, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.Use(next => connection =>
            {
                if (connection.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket
                    && UnixSocketListener.ReadPeerCredentials(socket, path) is { } peer)
                {
                    connection.Features.Set(peer);
                }

                // Without credentials the call carries no identity, and authorization refuses it.
                return next(connection);
            });
        });
    }

    /// <summary>TLS with ALPN (h2 preferred; HTTP/1.1 callers get 426). Client certificates are configured by the caller.</summary>
    public static void ListenGrpcTls(this KestrelServerOptions options, IPEndPoint endPoint, Action<HttpsConnectionAdapterOptions> configureTls)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddServerHeader = false;
        options.Listen(endPoint, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(configureTls);
        });
    }
}
