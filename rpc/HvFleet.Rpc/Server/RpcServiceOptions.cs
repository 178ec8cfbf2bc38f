namespace HvFleet.Rpc.Server;

/// <summary>Per-service overrides of <see cref="RpcServerOptions"/>.</summary>
public sealed class RpcServiceOptions
{
    /// <summary>Overrides the server's receive limit for this service when set.</summary>
    public int? MaxReceiveMessageSize { get; set; }

    /// <summary>Overrides the server's send limit for this service when set.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>True when <see cref="MaxReceiveMessageSize"/> was set (null then means unlimited).</summary>
    public bool HasMaxReceiveMessageSize { get; private set; }

    /// <summary>Sets the receive limit (null = unlimited).</summary>
    public RpcServiceOptions WithMaxReceiveMessageSize(int? bytes)
    {
        MaxReceiveMessageSize = bytes;
        HasMaxReceiveMessageSize = true;
        return this;
    }

    /// <summary>Interceptors for this service only, run inside the server-wide ones.</summary>
    public IList<ServerInterceptor> Interceptors { get; } = [];
}
