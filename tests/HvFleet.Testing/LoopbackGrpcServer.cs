using System.Net;
using Grpc.AspNetCore.Server;
using Grpc.Net.Client;
using HvFleet.Security.Clients;
using HvFleet.Security.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HvFleet.Testing;

/// <summary>A real Kestrel gRPC server (grpc-dotnet, as the programs run it: <c>AddFleetGrpc</c>) on a free loopback port (or on a Unix socket), for functional tests.</summary>
public sealed class LoopbackGrpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackGrpcServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>http://127.0.0.1:PORT (or https:// with TLS, or unix:///PATH on a Unix socket).</summary>
    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a server; <paramref name="configureServices"/> must not call AddFleetGrpc (done here).
    /// With <paramref name="unixSocketPath"/> it listens there (plaintext, owner-only) instead of on loopback TCP.</summary>
    public static async Task<LoopbackGrpcServer> StartAsync(
        Action<IServiceCollection>? configureServices,
        Action<WebApplication> mapServices,
        Action<GrpcServiceOptions>? configureGrpc = null,
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
        builder.Services.AddFleetGrpc(configureGrpc);
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        mapServices(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = unixSocketPath is not null
            ? HvFleet.Security.Unix.UnixSocketAddress.ToUri(unixSocketPath)
            : new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return new LoopbackGrpcServer(app, uri);
    }

    /// <summary>A channel to this server.</summary>
    public GrpcChannel CreateChannel(FleetChannelOptions? options = null) => FleetChannels.Create(Address, options);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
