using System.CommandLine;
using HvFleet.Cli.Demo;

namespace HvFleet.Cli.Commands;

/// <summary><c>hvfleet demo</c>.</summary>
internal static class DemoCommand
{
    public static Command Create(CliConsole console)
    {
        var hosts = new Option<int>("--hosts") { Description = "Lab agents to start (default 3)", DefaultValueFactory = _ => 3 };
        var latency = CommonOptions.Duration("--lab-latency", "Extra latency of every lab backend operation (e.g. 500ms)");
        var export = new Option<bool>("--export") { Description = "Export the checkpoints after taking them" };
        var output = CommonOptions.Output();
        var command = new Command("demo", "Start lab agents and an orchestrator on loopback, snapshot (and export) the fleet, report, clean up")
        {
            hosts, latency, export, output,
        };
        // On the option, not the command: a command validator sees 0 for an option left at its default.
        hosts.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 200)
            {
                result.AddError("--hosts must be between 1 and 200");
            }
        });
        command.SetAction((parse, cancellationToken) => OperationCommandRunner.GuardAsync(console, () =>
            new DemoRunner(console).RunAsync(parse.GetValue(hosts), parse.GetValue(latency) ?? TimeSpan.Zero, parse.GetValue(export),
                parse.GetValue(output) == "json", cancellationToken)));
        return command;
    }
}
