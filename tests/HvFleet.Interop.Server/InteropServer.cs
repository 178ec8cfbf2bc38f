using System.Globalization;
using System.Net;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using HvFleet.Interop.Bench;
using HvFleet.Interop.Testing;
using HvFleet.Interop.Tls;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace HvFleet.Interop;

/// <summary>
/// Builds the interop server: grpc.testing.TestService, grpc.testing.UnimplementedService (no
/// methods), bench.v1.Echo, grpc.health.v1.Health (Grpc.HealthCheck) and server reflection
/// (Grpc.AspNetCore.Server.Reflection), on Grpc.AspNetCore, on 127.0.0.1 with h2c (or TLS with a
/// self-signed certificate). Used by <c>Program</c> (standalone) and in-process by the interop tests.
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
        GrpcHostingSettings.ConfigureLogging(builder.Logging, options.MinimumLogLevel);
        var endPoint = new IPEndPoint(IPAddress.Loopback, options.Port);
        builder.WebHost.ConfigureKestrel(GrpcHostingSettings.ConfigureKestrel);

        // The "Kestrel" configuration section (environment Kestrel__Limits__Http2__...) over those
        // settings: how bench/grpc-bench.sh tries other values without a rebuild.
        builder.Services.Configure<KestrelServerOptions>(builder.Configuration.GetSection("Kestrel"));
        if (options.UseTls)
        {
            var certificate = SelfSignedCertificate.Create(TimeProvider.System);
            if (options.TlsCertificateOutput is { } output)
            {
                File.WriteAllText(output, certificate.ExportCertificatePem());
            }

            builder.WebHost.ConfigureKestrel(kestrel => GrpcHostingSettings.ListenTls(kestrel, endPoint, certificate));
        }
        else
        {
            builder.WebHost.ConfigureKestrel(kestrel => GrpcHostingSettings.ListenCleartext(kestrel, endPoint));
        }

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddGrpc(GrpcHostingSettings.ConfigureGrpc);

        // The services keep no per-call state: one instance each (grpc-dotnet otherwise creates one per call).
        builder.Services.AddSingleton<TestServiceImpl>();
        builder.Services.AddSingleton<UnimplementedServiceImpl>();
        builder.Services.AddSingleton<EchoServiceImpl>();
        builder.Services.AddGrpcReflection();
        builder.Services.AddSingleton<HealthServiceImpl>();

        var app = builder.Build();
        if (options.BenchStats)
        {
            // Ahead of routing: the floor is Kestrel alone.
            app.Use(next => http => http.Request.Path == KestrelFloor.Path ? KestrelFloor.HandleAsync(http) : next(http));
        }

        app.MapGrpcService<TestServiceImpl>();
        app.MapGrpcService<UnimplementedServiceImpl>();
        app.MapGrpcService<EchoServiceImpl>();
        app.MapGrpcService<HealthServiceImpl>();
        app.MapGrpcReflectionService();

        var health = app.Services.GetRequiredService<HealthServiceImpl>();
        foreach (var service in new[] { string.Empty, TestService.Descriptor.FullName, Echo.Descriptor.FullName })
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
