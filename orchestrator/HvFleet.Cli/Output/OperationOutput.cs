using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using HvFleet.Protos.Orchestrator.V1;
using Spectre.Console;

namespace HvFleet.Cli.Output;

/// <summary>Reports, JSON and exit codes for operations.</summary>
internal static class OperationOutput
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithPreserveProtoFieldNames(true));
    private static readonly string[] ReportColumns = ["Host", "Target", "Wave", "Outcome", "Tries", "Job", "Result", "Error"];
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>A JSON array of messages in the protobuf JSON mapping, keeping the proto field names.</summary>
    public static string ToJson(IEnumerable<IMessage> messages)
    {
        var array = new JsonArray();
        foreach (var message in messages)
        {
            array.Add(JsonNode.Parse(Formatter.Format(message)));
        }

        return array.ToJsonString(Indented);
    }

    /// <summary>0 when every operation succeeded (or is a plan, or still runs), 2 when any partially failed, 1 when any failed or was cancelled.</summary>
    public static int ExitCodeFor(IEnumerable<Operation> operations)
    {
        int code = ExitCodes.Success;
        foreach (var operation in operations)
        {
            code = operation.State switch
            {
                OperationState.Failed or OperationState.Cancelled => ExitCodes.Failed,
                OperationState.PartiallyFailed when code != ExitCodes.Failed => ExitCodes.PartiallyFailed,
                _ => code,
            };
        }

        return code;
    }

    public static void WriteReport(IAnsiConsole console, Operation operation)
    {
        var summary = operation.Summary ?? new OperationSummary();
        console.MarkupLine($"[bold]{Kind(operation.Kind)} {Markup.Escape(operation.Id)}[/]: {StateMarkup(operation.State)}  " +
            $"{summary.Succeeded}/{summary.Total} succeeded, {summary.Failed} failed, {summary.Unreachable} unreachable, " +
            $"{summary.TimedOut} timed out, {summary.Skipped} skipped, {summary.Cancelled} cancelled");
        if (operation.Message.Length > 0)
        {
            console.MarkupLine($"  {Markup.Escape(operation.Message)}");
        }

        if (operation.Tasks.Count == 0)
        {
            return;
        }

        var table = new Table().Border(TableBorder.Simple);
        foreach (string column in ReportColumns)
        {
            table.AddColumn(column);
        }

        foreach (var task in operation.Tasks)
        {
            string result = task.ExportPath.Length > 0 ? task.ExportPath : string.Join(", ", task.SnapshotIds);
            string error = task.Error is null ? "" :
                (task.Error.HypervCode != 0 ? $"[{task.Error.HypervCode}] " : "") + task.Error.Summary +
                (task.Error.Description.Length > 0 ? $": {task.Error.Description}" : "");
            table.AddRow(
                Markup.Escape(task.HostName),
                Markup.Escape(task.TargetName.Length > 0 ? task.TargetName : task.TargetId),
                (task.Wave + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                OutcomeMarkup(task.Outcome),
                task.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(task.AgentJobId),
                Markup.Escape(result),
                Markup.Escape(error));
        }

        console.Write(table);
    }

    public static string Name(OperationState state) => state switch
    {
        OperationState.PartiallyFailed => "partially failed",
        _ => state.ToString().ToLowerInvariant(),
    };

    public static string Name(TaskOutcome outcome) => outcome switch
    {
        TaskOutcome.TimedOut => "timed out",
        _ => outcome.ToString().ToLowerInvariant(),
    };

    private static string Kind(OperationKind kind) => kind == OperationKind.Export ? "Export" : "Snapshot";

    private static string StateMarkup(OperationState state) => state switch
    {
        OperationState.Succeeded or OperationState.Planned => $"[green]{Name(state)}[/]",
        OperationState.PartiallyFailed => $"[yellow]{Name(state)}[/]",
        OperationState.Failed or OperationState.Cancelled => $"[red]{Name(state)}[/]",
        _ => Name(state),
    };

    private static string OutcomeMarkup(TaskOutcome outcome) => outcome switch
    {
        TaskOutcome.Succeeded => $"[green]{Name(outcome)}[/]",
        TaskOutcome.Pending or TaskOutcome.Running or TaskOutcome.Retrying => Name(outcome),
        _ => $"[red]{Name(outcome)}[/]",
    };
}
