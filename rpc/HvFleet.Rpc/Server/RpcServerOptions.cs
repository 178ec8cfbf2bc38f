using HvFleet.Rpc.Protocol;

namespace HvFleet.Rpc.Server;

/// <summary>Options of the rpc server; per-service overrides come from <see cref="RpcServiceOptions"/>.</summary>
public sealed class RpcServerOptions
{
    public const string SectionName = "Rpc";

    /// <summary>Largest request message accepted (default 4 MiB); null = unlimited.</summary>
    public int? MaxReceiveMessageSize { get; set; } = GrpcProtocol.DefaultMaxReceiveMessageSize;

    /// <summary>Largest response message sent (default unlimited).</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>Send a handler's exception text to clients (off by default: it may leak internals).</summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>Compress responses with this algorithm when the client accepts it (default none).</summary>
    public string? ResponseCompressionAlgorithm { get; set; }

    /// <summary>Compression algorithms understood, by name. gzip and deflate by default.</summary>
    public IList<ICompressionProvider> CompressionProviders { get; } = [new GzipCompressionProvider(), new DeflateCompressionProvider()];

    /// <summary>Interceptors run around every call, in order (first = outermost).</summary>
    public IList<ServerInterceptor> Interceptors { get; } = [];

    /// <summary>The clock for deadlines.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
