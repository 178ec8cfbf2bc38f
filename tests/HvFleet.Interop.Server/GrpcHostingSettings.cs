using System.Net;
using System.Security.Cryptography.X509Certificates;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace HvFleet.Interop;

/// <summary>
/// Every Kestrel and grpc-dotnet setting the interop server runs with, in one place, so that the
/// agent can be hosted exactly alike (and the benchmark measures what the agent would run).
/// Anything not set here is the framework's default.
/// </summary>
internal static class GrpcHostingSettings
{
    /// <summary>The gRPC default receive limit (4 MiB), stated so that nobody has to look it up.</summary>
    public const int MaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>
    /// Logging: <paramref name="minimumLevel"/> (Warning for the interop server: Information, with
    /// its per-call lines, nearly doubles the bytes allocated per call), and ASP.NET Core's
    /// per-request diagnostics off.
    /// </summary>
    public static void ConfigureLogging(ILoggingBuilder logging, LogLevel minimumLevel)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.SetMinimumLevel(minimumLevel);

        // While this category is enabled at any level, hosting starts an Activity and a logging
        // scope for every request, whether or not anything listens: half the bytes allocated per
        // unary call. A tracing listener (OpenTelemetry) still gets its Activity without it.
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
    }

    /// <summary>Kestrel options common to every endpoint.</summary>
    public static void ConfigureKestrel(KestrelServerOptions kestrel)
    {
        ArgumentNullException.ThrowIfNull(kestrel);

        // Like other gRPC servers: no "server" header.
        kestrel.AddServerHeader = false;

        // HTTP/2 limits stay Kestrel's defaults (100 streams per connection, 1 MiB connection
        // window, 768 KiB stream window, 16 KiB frames): the other values tried changed nothing
        // measurable (bench/results-2026-12-04.txt).
    }

    /// <summary>Cleartext HTTP/2 with prior knowledge: without TLS there is no ALPN to negotiate h2 (reference §5.1).</summary>
    public static void ListenCleartext(KestrelServerOptions kestrel, IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        kestrel.Listen(endPoint, listen => listen.Protocols = HttpProtocols.Http2);
    }

    /// <summary>TLS with ALPN; h2 is chosen, and grpc-dotnet answers an HTTP/1.1 call with 426.</summary>
    public static void ListenTls(KestrelServerOptions kestrel, IPEndPoint endPoint, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        kestrel.Listen(endPoint, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(certificate);
        });
    }

    /// <summary>grpc-dotnet options for every service.</summary>
    public static void ConfigureGrpc(GrpcServiceOptions grpc)
    {
        ArgumentNullException.ThrowIfNull(grpc);

        // Exception texts stay on the server; clients get the status only.
        grpc.EnableDetailedErrors = false;
        grpc.MaxReceiveMessageSize = MaxReceiveMessageSize;

        // Unlimited, as in every reference implementation.
        grpc.MaxSendMessageSize = null;

        // Responses are compressed only when a call asks for it (the interop cases do, per call).
        grpc.ResponseCompressionAlgorithm = null;
    }
}
