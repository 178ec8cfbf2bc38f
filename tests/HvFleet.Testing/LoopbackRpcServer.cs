using System.Net;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HvFleet.Testing;

/// <summary>A real Kestrel rpc server on a free loopback port (or on a Unix socket), for functional tests.</summary>
public sealed class LoopbackRpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackRpcServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>http://127.0.0.1:PORT (or https:// with TLS, or unix:///PATH on a Unix socket).</summary>
    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a server; <paramref name="configureServices"/> must not need to call AddRpcServer (done here).
    /// With <paramref name="unixSocketPath"/> it listens there (plaintext, owner-only) instead of on loopback TCP.</summary>
    public static async Task<LoopbackRpcServer> StartAsync(
        Action<IServiceCollection>? configureServices,
        Action<WebApplication> mapServices,
        Action<HvFleet.Rpc.Server.RpcServerOptions>? configureRpc = null,
        Action<HttpsConnectionAdapterOptions>? tls = null,
        string? unixSocketPath = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(options =>
        {
            var endPoint = new IPEndPoint(IPAddress.Loopback, 0);
            if (unixSocketPath is not null)
            {
                options.ListenGrpcUnixSocket(unixSocketPath);
            }
            else if (tls is null)
            {
                options.ListenGrpcCleartext(endPoint);
            }
            else
            {
                options.ListenGrpcTls(endPoint, tls);
            }
        });
        builder.Services.AddRpcServer(configureRpc);
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        mapServices(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = unixSocketPath is not null
            ? HvFleet.Security.Unix.UnixSocketAddress.ToUri(unixSocketPath)
            : new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return new LoopbackRpcServer(app, uri);
    }

    /// <summary>A channel to this server.</summary>
    public GrpcChannel CreateChannel(GrpcChannelOptions? options = null) => GrpcChannel.ForAddress(Address, options);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
