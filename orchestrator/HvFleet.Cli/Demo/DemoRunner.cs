using System.Globalization;
using System.Text;
using HvFleet.Agent.Hosting;
using HvFleet.Cli.Commands;
using HvFleet.Cli.Hosting;
using HvFleet.Cli.Output;
using HvFleet.Protos.Orchestrator.V1;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Spectre.Console;

namespace HvFleet.Cli.Demo;

/// <summary><c>hvfleet demo</c>: N lab agents and an orchestrator on loopback, all over real gRPC, in a temporary
/// folder; a fleet recovery snapshot of every VM group, then optionally the export; the report; cleanup.</summary>
internal sealed class DemoRunner(CliConsole console)
{
    public async Task<int> RunAsync(int hostCount, TimeSpan labLatency, bool export, bool json, CancellationToken cancellationToken)
    {
        var root = Directory.CreateTempSubdirectory("hvfleet-demo-");
        string exportRoot = Path.Combine(root.FullName, "exports");
        var agents = new List<WebApplication>();
        WebApplication? orchestrator = null;
        try
        {
            var inventory = new StringBuilder("hosts:\n");
            for (int i = 1; i <= hostCount; i++)
            {
                string name = $"lab-{i:D2}";
                var agent = AgentHost.Build(new Dictionary<string, string?>
                {
                    ["Agent:Listen"] = "127.0.0.1:0",
                    ["Agent:Insecure"] = "true",
                    ["Agent:Backend"] = "lab",
                    ["Agent:DataDirectory"] = Path.Combine(root.FullName, name),
                    ["Agent:ExportRoots:0"] = exportRoot,
                    ["Lab:HostName"] = name,
                    ["Lab:SeedDiskSizeBytes"] = (8 * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
                    ["Lab:Faults:Delay"] = labLatency.ToString("c", CultureInfo.InvariantCulture),
                    ["Logging:LogLevel:Default"] = "Warning",
                });
                await agent.StartAsync(cancellationToken);
                agents.Add(agent);
                string address = agent.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
                inventory.Append(CultureInfo.InvariantCulture, $"  - name: {name}\n    address: {address}\n    labels: {{ demo: \"true\" }}\n");
            }

            string inventoryPath = Path.Combine(root.FullName, "inventory.yaml");
            await File.WriteAllTextAsync(inventoryPath, inventory.ToString(), cancellationToken);
            orchestrator = OrchestratorHost.Build(new OrchestratorHostSettings
            {
                Listen = "127.0.0.1:0",
                InventoryPath = inventoryPath,
                DataDirectory = Path.Combine(root.FullName, "orchestrator"),
                AgentsInsecure = true,
                LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
            });
            await orchestrator.StartAsync(cancellationToken);
            if (!json)
            {
                console.Ansi.MarkupLine($"[bold]hvfleet demo[/]: {hostCount} lab agents and an orchestrator on loopback ({Markup.Escape(root.FullName)})");
            }

            using var connection = new FleetConnection(OrchestratorHost.BoundAddress(orchestrator));
            var operations = new List<Operation>();
            var snapshot = (await connection.Client.StartFleetSnapshotAsync(new StartFleetSnapshotRequest
            {
                Hosts = new HostSelector { All = true },
                Targets = new TargetSelector { AllCollections = true },
                Name = "hvfleet-demo",
            }, cancellationToken: cancellationToken)).Operation;
            operations.Add(await OperationFollower.FollowAsync(connection.Client, snapshot.Id, console, quiet: json, cancellationToken));

            if (export && operations[0].Tasks.Any(t => t.Outcome == TaskOutcome.Succeeded))
            {
                var exported = (await connection.Client.StartFleetExportAsync(new StartFleetExportRequest
                {
                    SnapshotOperationId = snapshot.Id,
                    DestinationTemplate = Path.Combine(exportRoot, "{host}", "{date}-{time}", "{target}"),
                    Settings = new Protos.Agent.V1.ExportSettings { CopyVmStorage = true },
                }, cancellationToken: cancellationToken)).Operation;
                operations.Add(await OperationFollower.FollowAsync(connection.Client, exported.Id, console, quiet: json, cancellationToken));
            }

            OperationCommandRunner.Write(operations, json, console);
            return OperationOutput.ExitCodeFor(operations) == ExitCodes.Success && operations.All(o => o.State == OperationState.Succeeded)
                ? ExitCodes.Success
                : OperationOutput.ExitCodeFor(operations) is ExitCodes.Success ? ExitCodes.Failed : OperationOutput.ExitCodeFor(operations);
        }
        finally
        {
            if (orchestrator is not null)
            {
                await orchestrator.StopAsync(CancellationToken.None);
                await orchestrator.DisposeAsync();
            }

            foreach (var agent in agents)
            {
                await agent.StopAsync(CancellationToken.None);
                await agent.DisposeAsync();
            }

            try
            {
                root.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Best effort; the folder is in the temp directory.
            }
        }
    }
}
