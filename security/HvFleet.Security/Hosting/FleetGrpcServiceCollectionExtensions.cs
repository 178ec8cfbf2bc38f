using System.Net.Sockets;
using Grpc.AspNetCore.Server;
using Grpc.HealthCheck;
using Grpc.Reflection;
using HvFleet.Security.Limits;
using HvFleet.Security.Unix;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HvFleet.Security.Hosting;

/// <summary>The gRPC server every HvFleet program runs (agent, <c>hvfleet serve</c>, its health listener).</summary>
public static class FleetGrpcServiceCollectionExtensions
{
    /// <summary>
    /// grpc-dotnet (<c>AddGrpc</c>) with HvFleet's defaults, server reflection (grpc.reflection.v1 and v1alpha), and a <see cref="HealthServiceImpl"/>
    /// singleton whose statuses the program sets through <see cref="FleetHealth"/> (NOT_SERVING while starting and draining). Unix socket listeners
    /// (<see cref="GrpcKestrelExtensions.ListenGrpcUnixSocket"/>) are bound owner-only by
    /// <see cref="UnixSocketListener.CreateBoundSocket"/>. gzip is accepted from callers and used for a response
    /// when the caller asks for it (grpc-dotnet's built-in provider).
    /// </summary>
    public static IGrpcServerBuilder AddFleetGrpc(this IServiceCollection services, Action<GrpcServiceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.Configure<SocketTransportOptions>(transport =>
        {
            var bind = transport.CreateBoundListenSocket;
            transport.CreateBoundListenSocket = endPoint => endPoint is UnixDomainSocketEndPoint unix
                ? UnixSocketListener.CreateBoundSocket(unix)
                : bind(endPoint);
        });
        services.TryAddSingleton<HealthServiceImpl>();
        services.TryAddSingleton<FleetHealth>();
        services.AddGrpcReflection();
        var grpc = services.AddGrpc(options =>
        {
            // Error details leave the server only when a handler puts them into its RpcException.
            options.EnableDetailedErrors = false;
            configure?.Invoke(options);
        });

        // Health and reflection requests are small; a large one is refused before it is read.
        return grpc
            .WithReceiveLimit<HealthServiceImpl>(limits => limits.MaxInfrastructureReceiveMessageBytes)
            .WithReceiveLimit<ReflectionServiceImpl>(limits => limits.MaxInfrastructureReceiveMessageBytes)
            .WithReceiveLimit<ReflectionV1ServiceImpl>(limits => limits.MaxInfrastructureReceiveMessageBytes);
    }

    /// <summary>
    /// Requests to <typeparamref name="TService"/> larger than the limit <paramref name="select"/> picks from
    /// <see cref="CallLimitOptions"/> (configuration section <c>Limits</c>) are refused with RESOURCE_EXHAUSTED.
    /// </summary>
    public static IGrpcServerBuilder WithReceiveLimit<TService>(this IGrpcServerBuilder grpc, Func<CallLimitOptions, int> select)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(grpc);
        ArgumentNullException.ThrowIfNull(select);
        grpc.Services.AddOptions<GrpcServiceOptions<TService>>()
            .Configure<IOptions<CallLimitOptions>>((options, limits) => options.MaxReceiveMessageSize = select(limits.Value));
        return grpc;
    }
}
