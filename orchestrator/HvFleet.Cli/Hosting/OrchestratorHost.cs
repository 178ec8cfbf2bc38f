using System.Net;
using Grpc.Health.V1;
using HvFleet.Orchestrator.Api;
using HvFleet.Orchestrator.Hosting;
using HvFleet.Rpc.Health;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace HvFleet.Cli.Hosting;

/// <summary>The orchestrator server: Fleet API, health and reflection on Kestrel, the engine with the file inventory,
/// the SQLite store and gRPC agents.</summary>
internal static class OrchestratorHost
{
    public static WebApplication Build(OrchestratorHostSettings settings)
    {
        if (!TryParseEndPoint(settings.Listen, out var endPoint))
        {
            throw new ArgumentException($"--listen '{settings.Listen}' must be HOST:PORT with an IP address, localhost or *", nameof(settings));
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddEnvironmentVariables("HVFLEET_");
        builder.Logging.SetMinimumLevel(settings.LogLevel);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenRpcCleartext(endPoint!));
        var services = builder.Services;
        services.AddRpcServer();
        services.AddFileInventory(builder.Configuration, o => o.Path = Path.GetFullPath(settings.InventoryPath));
        services.AddSqliteOperationStore(builder.Configuration, o => o.DataDirectory = Path.GetFullPath(settings.DataDirectory));
        services.AddGrpcAgentConnector(builder.Configuration, o =>
        {
            o.UseTls = !settings.AgentsInsecure;
            o.CaCertificatePath = settings.CaCertificatePath;
            o.ClientCertificatePath = settings.ClientCertificatePath;
            o.ClientKeyPath = settings.ClientKeyPath;
        });
        services.AddFleetOrchestrator(builder.Configuration);

        var app = builder.Build();
        app.Services.GetRequiredService<HealthStatusManager>().SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving);
        app.MapFleetService();
        app.MapRpcHealthService();
        app.MapRpcReflectionService();
        return app;
    }

    /// <summary>The address the started server listens on (the real port when 0 was asked).</summary>
    public static string BoundAddress(WebApplication app)
    {
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address).Authority;
    }

    internal static bool TryParseEndPoint(string text, out IPEndPoint? endPoint)
    {
        endPoint = null;
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], System.Globalization.NumberStyles.None, null, out int port) || port > 65535)
        {
            return false;
        }

        string host = text[..colon].Trim('[', ']');
        IPAddress? ip = host switch
        {
            "localhost" => IPAddress.Loopback,
            "*" => IPAddress.Any,
            _ => IPAddress.TryParse(host, out var parsed) ? parsed : null,
        };
        if (ip is null)
        {
            return false;
        }

        endPoint = new IPEndPoint(ip, port);
        return true;
    }
}
