using System.CommandLine;
using HvFleet.Cli.Hosting;
using Microsoft.Extensions.Options;

namespace HvFleet.Cli.Commands;

/// <summary><c>hvfleet serve</c>: run the orchestrator server until stopped.</summary>
internal static class ServeCommand
{
    public static Command Create(CliConsole console)
    {
        var listen = new Option<string>("--listen") { Description = "HOST:PORT for the Fleet API (cleartext h2c)", DefaultValueFactory = _ => CommonOptions.DefaultOrchestrator };
        var inventory = new Option<string>("--inventory") { Description = "Inventory file (.yaml/.yml or .json), reloaded when it changes", Required = true };
        var dataDir = new Option<string>("--data-dir") { Description = "Data directory (operations database)", Required = true };
        var insecure = new Option<bool>("--agents-insecure") { Description = "Reach agents given as host:port over h2c instead of TLS (labs only)" };
        var ca = new Option<string?>("--agents-ca") { Description = "PEM of the fleet CA that agent certificates must chain to" };
        var cert = new Option<string?>("--client-cert") { Description = "PEM client certificate for mTLS to agents" };
        var key = new Option<string?>("--client-key") { Description = "PEM key of --client-cert" };
        var command = new Command("serve", "Run the orchestrator server") { listen, inventory, dataDir, insecure, ca, cert, key };
        command.SetAction(async (parse, cancellationToken) =>
        {
            WebApplication app;
            try
            {
                app = OrchestratorHost.Build(new OrchestratorHostSettings
                {
                    Listen = parse.GetValue(listen)!,
                    InventoryPath = parse.GetValue(inventory)!,
                    DataDirectory = parse.GetValue(dataDir)!,
                    AgentsInsecure = parse.GetValue(insecure),
                    CaCertificatePath = parse.GetValue(ca) ?? "",
                    ClientCertificatePath = parse.GetValue(cert) ?? "",
                    ClientKeyPath = parse.GetValue(key) ?? "",
                });
                await app.StartAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is ArgumentException or OptionsValidationException or HvFleet.Orchestrator.Inventory.InventoryException)
            {
                console.WriteError(ex.Message);
                return ExitCodes.Failed;
            }

            console.Output.WriteLine($"hvfleet orchestrator listening on {OrchestratorHost.BoundAddress(app)}");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: stop gracefully; running operations are resumed by the next start.
            }

            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
            return ExitCodes.Success;
        });
        return command;
    }
}
