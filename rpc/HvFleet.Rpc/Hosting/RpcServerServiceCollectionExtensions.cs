using HvFleet.Rpc.Health;
using HvFleet.Rpc.Server;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the rpc server.</summary>
public static class RpcServerServiceCollectionExtensions
{
    /// <summary>Adds the rpc server (service registry, health status manager) with options.</summary>
    public static IServiceCollection AddRpcServer(this IServiceCollection services, Action<RpcServerOptions>? configure = null)
    {
        var builder = services.AddOptions<RpcServerOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        services.TryAddSingleton<RpcServiceRegistry>();
        services.TryAddSingleton<HealthStatusManager>();
        return services;
    }
}
