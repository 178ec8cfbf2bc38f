using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Microsoft.AspNetCore.Hosting;

/// <summary>Kestrel endpoints for gRPC: h2c with prior knowledge, or TLS with ALPN h2.</summary>
public static class RpcKestrelExtensions
{
    /// <summary>
    /// Cleartext HTTP/2 only: without TLS there is no ALPN, so an HTTP/1+2 endpoint could not
    /// negotiate h2 (reference §5.1).
    /// </summary>
    public static void ListenRpcCleartext(this KestrelServerOptions options, IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddServerHeader = false;
        options.Listen(endPoint, listen => listen.Protocols = HttpProtocols.Http2);
    }

    /// <summary>TLS with ALPN (h2 preferred; HTTP/1.1 callers get 426). Client certificates are configured by the caller.</summary>
    public static void ListenRpcTls(this KestrelServerOptions options, IPEndPoint endPoint, Action<HttpsConnectionAdapterOptions> configureTls)
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
