using HvFleet.Rpc.Server;
using HvFleet.Rpc.Tests.Protos;
using HvFleet.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace HvFleet.Rpc.Tests.Functional;

internal static class TestServers
{
    public static Task<LoopbackRpcServer> StartAsync(
        ServerProbe probe, Action<RpcServerOptions>? configure = null, Action<RpcServiceOptions>? service = null, string? unixSocketPath = null) =>
        LoopbackRpcServer.StartAsync(
            services => services.AddSingleton(probe).AddSingleton<TestRpcService>(),
            app =>
            {
                var options = app.MapRpcService<TestRpcService>();
                service?.Invoke(options);
                app.MapRpcHealthService();
                app.MapRpcReflectionService();
            },
            configure,
            unixSocketPath: unixSocketPath);

    public static TestRpc.TestRpcClient Client(this LoopbackRpcServer server) => new(server.CreateChannel());
}
