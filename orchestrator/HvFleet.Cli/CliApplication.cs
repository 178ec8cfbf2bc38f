using System.CommandLine;
using HvFleet.Cli.Commands;

namespace HvFleet.Cli;

/// <summary>The <c>hvfleet</c> command tree. Exit codes: 0 all succeeded, 2 partially failed, 1 failed or error.</summary>
internal static class CliApplication
{
    public static RootCommand Create(CliConsole console)
    {
        var root = new RootCommand("hvfleet: fleet-wide Hyper-V recovery checkpoints and exports");
        root.Subcommands.Add(ServeCommand.Create(console));
        root.Subcommands.Add(HostsCommand.Create(console));
        root.Subcommands.Add(SnapshotCommand.Create(console));
        root.Subcommands.Add(ExportCommand.Create(console));
        root.Subcommands.Add(OpsCommand.Create(console));
        root.Subcommands.Add(DemoCommand.Create(console));
        root.Subcommands.Add(PkiCommand.Create(console));
        root.Subcommands.Add(HealthCommand.Create(console));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken)
    {
        var parse = Create(console).Parse(args);
        return await parse.InvokeAsync(new InvocationConfiguration { Output = console.Output, Error = console.Error }, cancellationToken);
    }
}
