using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using HvFleet.Rpc.Protocol;

namespace HvFleet.Rpc.Client;

/// <summary>Options of a <see cref="GrpcChannel"/>.</summary>
public sealed class GrpcChannelOptions
{
    /// <summary>Largest response message accepted (default 4 MiB); null = unlimited.</summary>
    public int? MaxReceiveMessageSize { get; set; } = GrpcProtocol.DefaultMaxReceiveMessageSize;

    /// <summary>Largest request message sent (default unlimited).</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>Compression algorithms understood. gzip and deflate by default.</summary>
    public IList<ICompressionProvider> CompressionProviders { get; } = [new GzipCompressionProvider(), new DeflateCompressionProvider()];

    /// <summary>Use this handler instead of the channel's own <see cref="SocketsHttpHandler"/> (tests, custom transports).</summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Dispose <see cref="HttpHandler"/> with the channel (default true).</summary>
    public bool DisposeHttpHandler { get; set; } = true;

    /// <summary>Client certificates for mutual TLS.</summary>
    public X509Certificate2Collection? ClientCertificates { get; set; }

    /// <summary>Validates the server certificate (default: the system's validation).</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; set; }

    /// <summary>The TLS host name to expect (SNI and certificate name); default the address host.</summary>
    public string? TargetHost { get; set; }

    /// <summary>Adjusts the channel's own <see cref="SocketsHttpHandler"/> after its defaults are set (TLS details such as a
    /// reloading client certificate, pool lifetimes). Not used with <see cref="HttpHandler"/>.</summary>
    public Action<SocketsHttpHandler>? ConfigureHttpHandler { get; set; }

    /// <summary>Time to wait for a connection (default 10 s).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The clock for deadlines.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
