using System.CommandLine;
using HvFleet.Cli.Output;
using HvFleet.Protos.Orchestrator.V1;
using Spectre.Console;

namespace HvFleet.Cli.Commands;

/// <summary><c>hvfleet ops list|show|watch|cancel|retry</c>.</summary>
internal static class OpsCommand
{
    private static readonly string[] ListColumns = ["Id", "Kind", "State", "Created", "Targets", "Succeeded", "Message"];

    private static readonly string[] States = ["pending", "running", "succeeded", "partially-failed", "failed", "cancelled", "cancelling", "planned"];

    public static Command Create(CliConsole console)
    {
        var ops = new Command("ops", "Fleet operations: list, show, watch, cancel, retry");
        ops.Subcommands.Add(List(console));
        ops.Subcommands.Add(Show(console));
        ops.Subcommands.Add(Watch(console));
        ops.Subcommands.Add(Cancel(console));
        ops.Subcommands.Add(Retry(console));
        return ops;
    }

    private static Command List(CliConsole console)
    {
        var orchestrator = new OrchestratorConnectionOptions();
        var output = CommonOptions.Output();
        var state = new Option<string?>("--state") { Description = "Only operations in this state" }.AcceptOnlyFromAmong(States);
        var limit = new Option<int>("--limit") { Description = "At most this many, newest first (default 20)", DefaultValueFactory = _ => 20 };
        var command = new Command("list", "Operations, newest first") { output, state, limit };
        orchestrator.AddTo(command);
        command.SetAction((parse, cancellationToken) => OperationCommandRunner.GuardAsync(console, async () =>
        {
            using var connection = orchestrator.Connect(parse);
            var response = await connection.Client.ListOperationsAsync(new ListOperationsRequest
            {
                PageSize = parse.GetValue(limit),
                State = parse.GetValue(state) is { } s ? (OperationState)(Array.IndexOf(States, s) + 1) : OperationState.Unspecified,
            }, cancellationToken: cancellationToken);
            if (parse.GetValue(output) == "json")
            {
                console.Output.WriteLine(OperationOutput.ToJson(response.Operations));
                return ExitCodes.Success;
            }

            var table = new Table().Border(TableBorder.Simple);
            foreach (string column in ListColumns)
            {
                table.AddColumn(column);
            }

            foreach (var operation in response.Operations)
            {
                table.AddRow(operation.Id, operation.Kind.ToString().ToLowerInvariant(), OperationOutput.Name(operation.State),
                    operation.CreatedAt?.ToDateTimeOffset().ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "",
                    (operation.Summary?.Total ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    (operation.Summary?.Succeeded ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Markup.Escape(operation.Message));
            }

            console.Ansi.Write(table);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Show(CliConsole console) => ById("show", "One operation with every target", console, async (client, id, parse, output, ct) =>
    {
        var operation = (await client.GetOperationAsync(new GetOperationRequest { OperationId = id }, cancellationToken: ct)).Operation;
        OperationCommandRunner.Write([operation], output, console);
        return OperationOutput.ExitCodeFor([operation]);
    });

    private static Command Watch(CliConsole console) => ById("watch", "Live progress until the operation ends, then the report", console, async (client, id, parse, output, ct) =>
    {
        var operation = await OperationFollower.FollowAsync(client, id, console, quiet: output, ct);
        OperationCommandRunner.Write([operation], output, console);
        return OperationOutput.ExitCodeFor([operation]);
    });

    private static Command Cancel(CliConsole console) => ById("cancel", "Cancel a running operation (reaches every running agent job)", console, async (client, id, parse, output, ct) =>
    {
        var operation = (await client.CancelOperationAsync(new CancelOperationRequest { OperationId = id }, cancellationToken: ct)).Operation;
        OperationCommandRunner.Write([operation], output, console);
        return ExitCodes.Success;
    });

    private static Command Retry(CliConsole console)
    {
        var wait = CommonOptions.Wait();
        var requestId = new Option<string?>("--request-id") { Description = "Idempotency key" };
        var policy = new PolicyOptions();
        var command = ById("retry", "Re-run only the failed, skipped, unreachable, timed-out and cancelled targets", console, async (client, id, parse, output, ct) =>
        {
            var started = (await client.RetryOperationAsync(new RetryOperationRequest
            {
                OperationId = id,
                RequestId = parse.GetValue(requestId) ?? "",
                Policy = policy.Bind(parse),
            }, cancellationToken: ct)).Operation;
            return await OperationCommandRunner.ReportAsync(client, started, parse.GetValue(wait), output, console, ct);
        });
        command.Options.Add(wait);
        command.Options.Add(requestId);
        policy.AddTo(command);
        return command;
    }

    private static Command ById(string name, string description, CliConsole console,
        Func<Fleet.FleetClient, string, ParseResult, bool, CancellationToken, Task<int>> run)
    {
        var orchestrator = new OrchestratorConnectionOptions();
        var output = CommonOptions.Output();
        var id = new Argument<string>("operation-id") { Description = "The operation's id" };
        var command = new Command(name, description) { output, id };
        orchestrator.AddTo(command);
        command.SetAction((parse, cancellationToken) => OperationCommandRunner.GuardAsync(console, async () =>
        {
            using var connection = orchestrator.Connect(parse);
            return await run(connection.Client, parse.GetValue(id)!, parse, parse.GetValue(output) == "json", cancellationToken);
        }));
        return command;
    }
}
