using System.Collections.Frozen;
using HvFleet.Rpc.Protocol;

namespace HvFleet.Rpc.Server;

/// <summary>The effective settings of one method: server options with the service's overrides applied.</summary>
internal sealed class MethodSettings
{
    public MethodSettings(RpcServerOptions server, RpcServiceOptions? service)
    {
        MaxReceiveMessageSize = service is { HasMaxReceiveMessageSize: true } ? service.MaxReceiveMessageSize : server.MaxReceiveMessageSize;
        MaxSendMessageSize = service?.MaxSendMessageSize ?? server.MaxSendMessageSize;
        EnableDetailedErrors = server.EnableDetailedErrors;
        ResponseCompressionAlgorithm = server.ResponseCompressionAlgorithm;
        TimeProvider = server.TimeProvider;
        Compression = server.CompressionProviders.ToFrozenDictionary(p => p.EncodingName, StringComparer.OrdinalIgnoreCase);
        AcceptEncoding = string.Join(",", server.CompressionProviders.Select(p => p.EncodingName).Prepend(GrpcProtocol.IdentityEncoding));
        Interceptors = [.. server.Interceptors, .. service?.Interceptors ?? []];
    }

    public int? MaxReceiveMessageSize { get; }

    public int? MaxSendMessageSize { get; }

    public bool EnableDetailedErrors { get; }

    public string? ResponseCompressionAlgorithm { get; }

    public TimeProvider TimeProvider { get; }

    public FrozenDictionary<string, ICompressionProvider> Compression { get; }

    /// <summary>Our <c>grpc-accept-encoding</c> value.</summary>
    public string AcceptEncoding { get; }

    public ServerInterceptor[] Interceptors { get; }
}
