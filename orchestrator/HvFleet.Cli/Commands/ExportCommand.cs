using System.CommandLine;
using HvFleet.Protos.Orchestrator.V1;
using PbAgent = HvFleet.Protos.Agent.V1;

namespace HvFleet.Cli.Commands;

/// <summary><c>hvfleet export</c>: export the checkpoints a snapshot operation created.</summary>
internal static class ExportCommand
{
    public static Command Create(CliConsole console)
    {
        var orchestrator = new OrchestratorConnectionOptions();
        var output = CommonOptions.Output();
        var wait = CommonOptions.Wait();
        var operation = new Option<string>("--operation") { Description = "The snapshot operation whose checkpoints are exported", Required = true };
        var dest = new Option<string>("--dest")
        {
            Description = "Directory template on each host: {host}, {date} (yyyyMMdd), {time} (HHmmss), {operation}, {target}",
            Required = true,
        };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace a non-empty export directory" };
        var noStorage = new Option<bool>("--config-only") { Description = "Export configuration only, without copying the virtual disks" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show the plan; export nothing" };
        var requestId = new Option<string?>("--request-id") { Description = "Idempotency key" };
        var policy = new PolicyOptions();
        var command = new Command("export", "Export the checkpoints of a snapshot operation, per host")
        {
            output, wait, operation, dest, overwrite, noStorage, dryRun, requestId,
        };
        policy.AddTo(command);
        orchestrator.AddTo(command);
        command.SetAction((parse, cancellationToken) => OperationCommandRunner.GuardAsync(console, async () =>
        {
            using var connection = orchestrator.Connect(parse);
            var started = await connection.Client.StartFleetExportAsync(new StartFleetExportRequest
            {
                SnapshotOperationId = parse.GetValue(operation)!,
                DestinationTemplate = parse.GetValue(dest)!,
                Overwrite = parse.GetValue(overwrite),
                Settings = new PbAgent.ExportSettings { CopyVmStorage = !parse.GetValue(noStorage) },
                Policy = policy.Bind(parse),
                RequestId = parse.GetValue(requestId) ?? "",
                DryRun = parse.GetValue(dryRun),
            }, cancellationToken: cancellationToken);
            return await OperationCommandRunner.ReportAsync(connection.Client, started.Operation, parse.GetValue(wait),
                parse.GetValue(output) == "json", console, cancellationToken);
        }));
        return command;
    }
}
