using System.Net;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using HvFleet.Orchestrator.Api;
using HvFleet.Security.Hosting;
using HvFleet.Security.Unix;
using HvFleet.Security.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HvFleet.Orchestrator.Hosting;

/// <summary>The orchestrator server: Fleet API, health and reflection on Kestrel behind the security layer (mutual TLS,
/// roles, limits, audit), the engine with the file inventory, the SQLite store and gRPC agents; optionally a plaintext
/// health-only listener for probes; systemd readiness when run under it.</summary>
public static class OrchestratorHost
{
    /// <summary>Builds the server, or throws <see cref="ArgumentException"/> listing every problem of <paramref name="settings"/>.
    /// <paramref name="addPlatformServices"/> adds what the program's platform needs after the orchestrator's own hosted
    /// services (<c>hvfleet</c>: the systemd readiness notification).</summary>
    public static WebApplication Build(OrchestratorHostSettings settings, Action<IServiceCollection>? addPlatformServices = null)
    {
        var problems = settings.Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems));
        }

        string? socketPath = UnixSocketAddress.TryParse(settings.Listen, out var unixPath, out _) ? unixPath : null;
        bool loopbackTcp = socketPath is null && settings.InsecureLoopbackTcp;
        var endPoint = socketPath is null ? ParseEndPoint(settings.Listen) : null;
        string dataDirectory = Path.GetFullPath(settings.DataDirectory);
        Directory.CreateDirectory(dataDirectory);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddEnvironmentVariables("HVFLEET_");
        builder.Logging.SetMinimumLevel(settings.LogLevel);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (socketPath is not null)
            {
                // Plaintext for the local owner: owner-only socket file, each caller's uid checked and audited.
                kestrel.ListenGrpcUnixSocket(socketPath);
            }
            else if (loopbackTcp)
            {
                kestrel.ListenGrpcCleartext(endPoint!);
            }
            else
            {
                // Certificate, key and client CA reload when their files change; callers must chain to the fleet CA.
                kestrel.ListenGrpcTls(endPoint!, https => kestrel.ApplicationServices.GetRequiredService<FleetServerTls>().Configure(https));
            }
        });

        var services = builder.Services;
        var health = new FleetHealth(new HealthServiceImpl());
        services.AddSingleton(health);
        services.AddSingleton(health.Service);
        services.AddFleetGrpc().AddFleetService();
        services.AddFleetSecurity(builder.Configuration, Path.Combine(dataDirectory, "audit.log"), insecureLoopback: loopbackTcp, settings.InsecureLoopbackRole);
        if (socketPath is null && !loopbackTcp)
        {
            services.AddFleetServerTls(Path.GetFullPath(settings.TlsCertificatePath), Path.GetFullPath(settings.TlsKeyPath), Path.GetFullPath(settings.ClientCaPath));
        }

        services.AddFileInventory(builder.Configuration, o => o.Path = Path.GetFullPath(settings.InventoryPath));
        services.AddSqliteOperationStore(builder.Configuration, o => o.DataDirectory = dataDirectory);
        services.AddGrpcAgentConnector(builder.Configuration, o =>
        {
            o.UseTls = !settings.AgentsInsecure;
            o.CaCertificatePath = FullPathOrEmpty(First(settings.AgentsCaPath, settings.ClientCaPath));
            o.ClientCertificatePath = FullPathOrEmpty(First(settings.ClientCertificatePath, settings.TlsCertificatePath));
            o.ClientKeyPath = FullPathOrEmpty(First(settings.ClientKeyPath, settings.TlsKeyPath));
        });
        services.AddFleetOrchestrator(builder.Configuration);
        if (settings.HealthListen is { Length: > 0 } healthListen)
        {
            services.AddSingleton(new HealthListener(ParseEndPoint(healthListen), health, settings.LogLevel));
            services.AddHostedService(provider => provider.GetRequiredService<HealthListener>());
        }

        addPlatformServices?.Invoke(services);

        var app = builder.Build();
        app.Lifetime.ApplicationStarted.Register(() => health.SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving));
        app.Lifetime.ApplicationStopping.Register(() => health.SetAll(HealthCheckResponse.Types.ServingStatus.NotServing));
        app.MapFleetService();
        app.MapGrpcService<HealthServiceImpl>();
        app.MapGrpcReflectionService();
        return app;
    }

    /// <summary>Runs the started <paramref name="app"/> until it is asked to stop, then stops and disposes it. Returns why
    /// it must exit non-zero (<see cref="ServeFailure"/>), or null when it stopped because it was asked to.</summary>
    public static async Task<string?> RunUntilStoppedAsync(WebApplication app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Ctrl+C or SIGTERM reaches either the command line's token or the host's own console lifetime (which then
        // stops the application): wait for whichever comes first, then stop gracefully. Running operations are
        // resumed by the next start.
        // A fatal error (the operation store cannot record a running operation, or its file is damaged) stops it too.
        var fatal = app.Services.GetRequiredService<OrchestratorFatalErrors>();
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, app.Lifetime.ApplicationStopping, fatal.Raised))
        {
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
                // Asked to stop.
            }
        }

        await app.StopAsync(CancellationToken.None);
        string? failure = ServeFailure.Describe(app, fatal);
        await app.DisposeAsync();
        return failure;
    }

    /// <summary>The address the started server listens on (the real port when 0 was asked; unix:/PATH for a socket).</summary>
    public static string BoundAddress(WebApplication app)
    {
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        // Kestrel writes a unix socket listener as http://unix:/PATH.
        const string unixPrefix = "http://" + UnixSocketAddress.Prefix;
        return address.StartsWith(unixPrefix, StringComparison.OrdinalIgnoreCase)
            ? UnixSocketAddress.Prefix + address[unixPrefix.Length..]
            : new Uri(address).Authority;
    }

    /// <summary>The health-only listener's address once started, or null when there is none.</summary>
    public static string? HealthAddress(WebApplication app) => app.Services.GetService<HealthListener>()?.BoundAddress;

    /// <summary>A listen address: HOST:PORT (<see cref="HostPortOptions.Listen"/>) whose host is an IP address, localhost or *.</summary>
    internal static bool TryParseEndPoint(string text, out IPEndPoint? endPoint)
    {
        endPoint = null;
        return HostPort.TryParse(text, HostPortOptions.Listen, out var hostPort, out _) && hostPort.TryGetEndPoint(out endPoint);
    }

    private static IPEndPoint ParseEndPoint(string text) =>
        TryParseEndPoint(text, out var endPoint) ? endPoint! : throw new ArgumentException($"'{text}' must be HOST:PORT with an IP address, localhost or *");

    private static string First(string preferred, string fallback) => preferred.Length > 0 ? preferred : fallback;

    private static string FullPathOrEmpty(string path) => path.Length > 0 ? Path.GetFullPath(path) : "";
}
