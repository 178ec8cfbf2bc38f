using System.CommandLine;
using System.CommandLine.Parsing;

namespace HvFleet.Cli.Commands;

/// <summary>Options shared by several commands.</summary>
internal static class CommonOptions
{
    public const string DefaultOrchestrator = "127.0.0.1:7600";

    public static Option<string> Orchestrator() => new("--orchestrator", "-O")
    {
        Description = "The orchestrator's address (host:port, http(s):// URL, or unix:/PATH of its local socket)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("HVFLEET_ORCHESTRATOR") is { Length: > 0 } env ? env : DefaultOrchestrator,
    };

    public static Option<string> Output() => new Option<string>("--output", "-o")
    {
        Description = "table (human) or json (protobuf JSON with proto field names, for scripts)",
        DefaultValueFactory = _ => "table",
    }.AcceptOnlyFromAmong("table", "json");

    public static Option<bool> Wait() => new("--wait", "-w")
    {
        Description = "Follow the operation with live progress until it ends; the exit code tells how it ended",
    };

    public static Option<TimeSpan?> Duration(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = ParseDuration,
    };

    public static Option<List<string>> Labels(string name = "--label") => new(name, "-l")
    {
        Description = "key=value; every label must match (repeatable)",
        AllowMultipleArgumentsPerToken = false,
        Validators =
        {
            result =>
            {
                foreach (var token in result.Tokens)
                {
                    int eq = token.Value.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0)
                    {
                        result.AddError($"{name} '{token.Value}' must be key=value");
                    }
                }
            },
        },
    };

    public static Dictionary<string, string> ParseLabels(IEnumerable<string>? labels) =>
        (labels ?? []).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    private static TimeSpan? ParseDuration(ArgumentResult result)
    {
        string text = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
        if (DurationParser.TryParse(text, out var value))
        {
            return value;
        }

        result.AddError($"'{text}' is not a duration (use 500ms, 30s, 5m, 1h or hh:mm:ss)");
        return null;
    }
}
