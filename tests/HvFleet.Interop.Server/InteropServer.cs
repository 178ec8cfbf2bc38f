using System.Globalization;
using System.Net;
using Grpc.Health.V1;
using HvFleet.Interop.Bench;
using HvFleet.Interop.Testing;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using HvFleet.Interop.Tls;

namespace HvFleet.Interop;

/// <summary>
/// Builds the interop server: grpc.testing.TestService, grpc.testing.UnimplementedService (no
/// methods), bench.v1.Echo, health and reflection on HvFleet.Rpc, on 127.0.0.1 with h2c (or TLS
/// with a self-signed certificate). Used by
/// <c>Program</c> (standalone) and in-process by the interop tests.
/// </summary>
public static class InteropServer
{
    /// <summary>The plain-HTTP endpoint that reports the bytes allocated so far (with --bench-stats).</summary>
    public const string AllocatedBytesPath = "/_bench/allocated";

    /// <summary>Builds (does not start) the server.</summary>
    public static WebApplication Build(InteropServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(options.MinimumLogLevel);
        var endPoint = new IPEndPoint(IPAddress.Loopback, options.Port);
        if (options.UseTls)
        {
            var certificate = SelfSignedCertificate.Create(TimeProvider.System);
            if (options.TlsCertificateOutput is { } output)
            {
                File.WriteAllText(output, certificate.ExportCertificatePem());
            }

            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenGrpcTls(endPoint, https => https.ServerCertificate = certificate));
        }
        else
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenGrpcCleartext(endPoint));
        }

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddRpcServer();

        var app = builder.Build();
        if (options.BenchStats)
        {
            // Ahead of the rpc dispatcher, which answers every unknown gRPC path itself.
            app.Use(next => http => http.Request.Path == KestrelFloor.Path ? KestrelFloor.HandleAsync(http) : next(http));
        }

        app.MapRpcService<TestServiceImpl>();
        app.MapRpcService<UnimplementedServiceImpl>();
        app.MapRpcService<EchoServiceImpl>();
        app.MapRpcHealthService();
        app.MapRpcReflectionService();

        var health = app.Services.GetRequiredService<HealthServiceImpl>();
        foreach (var service in new[] { string.Empty, TestService.ServiceName, Echo.ServiceName })
        {
            health.SetStatus(service, HealthCheckResponse.Types.ServingStatus.Serving);
        }

        if (options.BenchStats)
        {
            app.MapGet(AllocatedBytesPath, () => GC.GetTotalAllocatedBytes(precise: true).ToString(CultureInfo.InvariantCulture));
        }

        return app;
    }

    /// <summary>The port a started server listens on (the real one when 0 was asked for).</summary>
    public static int GetPort(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("The server exposes no addresses.");
        var address = addresses.FirstOrDefault() ?? throw new InvalidOperationException("The server has not been started.");
        return new Uri(address).Port;
    }
}
