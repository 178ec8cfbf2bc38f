using System.Net.Sockets;
using HvFleet.Rpc.Health;
using HvFleet.Rpc.Server;
using HvFleet.Rpc.Unix;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the rpc server.</summary>
public static class RpcServerServiceCollectionExtensions
{
    /// <summary>Adds the rpc server (service registry, health status manager) with options. Unix socket listeners
    /// (<c>ListenRpcUnixSocket</c>) are bound by <see cref="UnixSocketListener.CreateBoundSocket"/>: owner-only.</summary>
    public static IServiceCollection AddRpcServer(this IServiceCollection services, Action<RpcServerOptions>? configure = null)
    {
        var builder = services.AddOptions<RpcServerOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        services.Configure<SocketTransportOptions>(transport =>
        {
            var bind = transport.CreateBoundListenSocket;
            transport.CreateBoundListenSocket = endPoint => endPoint is UnixDomainSocketEndPoint unix
                ? UnixSocketListener.CreateBoundSocket(unix)
                : bind(endPoint);
        });
        services.TryAddSingleton<RpcServiceRegistry>();
        services.TryAddSingleton<HealthStatusManager>();
        return services;
    }
}
