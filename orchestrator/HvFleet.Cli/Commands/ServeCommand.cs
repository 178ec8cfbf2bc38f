using System.CommandLine;
using HvFleet.Agent.Service;
using HvFleet.Orchestrator.Hosting;
using HvFleet.Security.Unix;
using HvFleet.Security.Authorization;
using Microsoft.Extensions.Options;

namespace HvFleet.Cli.Commands;

/// <summary><c>hvfleet serve</c>: run the orchestrator server until stopped (Ctrl+C or SIGTERM).</summary>
internal static class ServeCommand
{
    public static Command Create(CliConsole console)
    {
        var listen = new Option<string>("--listen")
        {
            Description = "HOST:PORT of the Fleet API (mutual TLS), or unix:/PATH: plaintext on an owner-only unix socket for this user and root",
            DefaultValueFactory = _ => CommonOptions.DefaultOrchestrator,
        };
        var healthListen = new Option<string?>("--health-listen") { Description = "HOST:PORT of a second, plaintext listener serving only grpc.health.v1 (for probes)" };
        var inventory = new Option<string>("--inventory") { Description = "Inventory file (.yaml/.yml or .json), reloaded when it changes", Required = true };
        var dataDir = new Option<string>("--data-dir") { Description = "Data directory (operations database, audit log)", Required = true };
        var tlsCert = new Option<string?>("--tls-cert") { Description = "PEM certificate of the Fleet API (from hvfleet pki issue); also presented to agents" };
        var tlsKey = new Option<string?>("--tls-key") { Description = "PEM private key of --tls-cert" };
        var clientCa = new Option<string?>("--client-ca") { Description = "PEM fleet CA that callers' (and agents') certificates must chain to" };
        var insecure = new Option<bool>("--insecure") { Description = "Refused on TCP without --insecure-loopback-tcp (it made every local user an admin)" };
        var loopbackTcp = new Option<bool>("--insecure-loopback-tcp")
        {
            Description = "Serve the Fleet API in plaintext TCP on a loopback --listen address (explicit opt-in, logged as a warning): every local user can connect",
        };
        var loopbackRole = new Option<string>("--insecure-loopback-role")
        {
            Description = "Role of plaintext loopback TCP callers",
            DefaultValueFactory = _ => "viewer",
        }.AcceptOnlyFromAmong([.. FleetRoles.Names]);
        var agentsInsecure = new Option<bool>("--agents-insecure") { Description = "Reach agents given as host:port over h2c instead of TLS (labs only)" };
        var agentsCa = new Option<string?>("--agents-ca") { Description = "PEM CA that agent certificates must chain to (default: --client-ca)" };
        var cert = new Option<string?>("--client-cert") { Description = "PEM client certificate presented to agents (default: --tls-cert)" };
        var key = new Option<string?>("--client-key") { Description = "PEM key of --client-cert (default: --tls-key)" };
        var command = new Command("serve", "Run the orchestrator server")
        {
            listen, healthListen, inventory, dataDir, tlsCert, tlsKey, clientCa, insecure, loopbackTcp, loopbackRole, agentsInsecure, agentsCa, cert, key,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            WebApplication app;
            WebApplication? built = null;
            try
            {
                app = OrchestratorHost.Build(new OrchestratorHostSettings
                {
                    Listen = parse.GetValue(listen)!,
                    HealthListen = parse.GetValue(healthListen),
                    InventoryPath = parse.GetValue(inventory)!,
                    DataDirectory = parse.GetValue(dataDir)!,
                    Insecure = parse.GetValue(insecure),
                    InsecureLoopbackTcp = parse.GetValue(loopbackTcp),
                    InsecureLoopbackRole = FleetRoles.TryParse(parse.GetValue(loopbackRole), out var role) ? role : FleetRole.Viewer,
                    TlsCertificatePath = parse.GetValue(tlsCert) ?? "",
                    TlsKeyPath = parse.GetValue(tlsKey) ?? "",
                    ClientCaPath = parse.GetValue(clientCa) ?? "",
                    AgentsInsecure = parse.GetValue(agentsInsecure),
                    AgentsCaPath = parse.GetValue(agentsCa) ?? "",
                    ClientCertificatePath = parse.GetValue(cert) ?? "",
                    ClientKeyPath = parse.GetValue(key) ?? "",
                }, services => services.AddSystemdNotify());
                built = app;
                await app.StartAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is ArgumentException or OptionsValidationException or HvFleet.Orchestrator.Inventory.InventoryException
                or IOException or System.Security.Cryptography.CryptographicException)
            {
                console.WriteError(ex.Message);
                return ExitCodes.Failed;
            }
            catch (Exception ex) when (built is not null)
            {
                // Fatal while starting (e.g. a damaged operations database): one line naming the cause, and exit 1.
                console.WriteError("fatal: " + ServeFailure.DescribeStart(built, ex));
                return ExitCodes.Failed;
            }

            string address = OrchestratorHost.BoundAddress(app);
            string scheme = UnixSocketAddress.IsUnix(address) ? "plaintext unix socket, this user and root only"
                : parse.GetValue(loopbackTcp) ? $"PLAINTEXT TCP on loopback: every local user is '{parse.GetValue(loopbackRole)}'"
                : "mutual TLS";
            console.Output.WriteLine($"hvfleet orchestrator listening on {address} ({scheme})");
            if (OrchestratorHost.HealthAddress(app) is { } healthAddress)
            {
                console.Output.WriteLine($"health (grpc.health.v1 only, plaintext) on {healthAddress}");
            }

            string? failure = await OrchestratorHost.RunUntilStoppedAsync(app, cancellationToken);
            if (failure is not null)
            {
                // One line naming the cause and a non-zero exit, so that systemd's Restart=on-failure brings it back.
                console.WriteError("fatal: " + failure);
                return ExitCodes.Failed;
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
