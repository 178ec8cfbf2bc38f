using HvFleet.Cli.Commands;
using HvFleet.Cli.Output;
using HvFleet.Protos.Orchestrator.V1;
using Spectre.Console;

namespace HvFleet.Cli.Demo;

/// <summary><c>hvfleet demo</c>: N lab agents and an orchestrator on loopback, all over real gRPC, in a temporary
/// folder; a fleet recovery snapshot of every VM group, then optionally the export; the report; cleanup.</summary>
internal sealed class DemoRunner(CliConsole console)
{
    public async Task<int> RunAsync(int hostCount, TimeSpan labLatency, bool export, bool json, CancellationToken cancellationToken)
    {
        await using var fleet = await LabFleet.StartAsync(hostCount, labLatency, agentSettings: null, mutualTls: true, cancellationToken);
        if (!json)
        {
            console.Ansi.MarkupLine($"[bold]hvfleet demo[/]: {hostCount} lab agents and an orchestrator on loopback, mutual TLS with a fleet CA made for the run ({Markup.Escape(fleet.Root.FullName)})");
        }

        using var connection = fleet.Connect();
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
                DestinationTemplate = Path.Combine(fleet.ExportRoot, "{host}", "{date}-{time}", "{target}"),
                Settings = new Protos.Agent.V1.ExportSettings { CopyVmStorage = true },
            }, cancellationToken: cancellationToken)).Operation;
            operations.Add(await OperationFollower.FollowAsync(connection.Client, exported.Id, console, quiet: json, cancellationToken));
        }

        OperationCommandRunner.Write(operations, json, console);

        // Exit 0 only if everything succeeded.
        return operations.All(o => o.State == OperationState.Succeeded) ? ExitCodes.Success
            : OperationOutput.ExitCodeFor(operations) is ExitCodes.PartiallyFailed ? ExitCodes.PartiallyFailed : ExitCodes.Failed;
    }
}
