using System.CommandLine;
using HvFleet.Cli.Output;
using HvFleet.Protos.Orchestrator.V1;
using Spectre.Console;

namespace HvFleet.Cli.Commands;

/// <summary><c>hvfleet hosts</c>: the inventory with reachability, backend and version.</summary>
internal static class HostsCommand
{
    private static readonly string[] Columns = ["Host", "Address", "Reachability", "Backend", "Version", "Storage", "Labels", "Error"];

    public static Command Create(CliConsole console)
    {
        var orchestrator = CommonOptions.Orchestrator();
        var output = CommonOptions.Output();
        var refresh = new Option<bool>("--refresh") { Description = "Probe every host now instead of using the cached view" };
        var hosts = new Option<List<string>>("--host") { Description = "Only these hosts (repeatable)" };
        var labels = CommonOptions.Labels();
        var command = new Command("hosts", "List the fleet's hosts with reachability, backend and version") { orchestrator, output, refresh, hosts, labels };
        command.SetAction((parse, cancellationToken) => OperationCommandRunner.GuardAsync(console, async () =>
        {
            using var connection = new FleetConnection(parse.GetValue(orchestrator)!);
            var selector = new HostSelector();
            selector.Names.AddRange(parse.GetValue(hosts) ?? []);
            selector.Labels.Add(CommonOptions.ParseLabels(parse.GetValue(labels)));
            selector.All = selector.Names.Count == 0 && selector.Labels.Count == 0;
            var response = await connection.Client.ListHostsAsync(new ListHostsRequest { Selector = selector, Refresh = parse.GetValue(refresh) },
                cancellationToken: cancellationToken);
            if (parse.GetValue(output) == "json")
            {
                console.Output.WriteLine(OperationOutput.ToJson(response.Hosts));
                return ExitCodes.Success;
            }

            var table = new Table().Border(TableBorder.Simple);
            foreach (string column in Columns)
            {
                table.AddColumn(column);
            }

            foreach (var host in response.Hosts)
            {
                table.AddRow(Markup.Escape(host.Name), Markup.Escape(host.Address),
                    host.Reachability == Reachability.Reachable ? "[green]reachable[/]" : $"[red]{host.Reachability.ToString().ToLowerInvariant()}[/]",
                    host.Backend.ToString().ToLowerInvariant(), Markup.Escape(host.AgentVersion), Markup.Escape(host.StorageKey),
                    Markup.Escape(string.Join(",", host.Labels.Select(l => $"{l.Key}={l.Value}"))), Markup.Escape(host.Error));
            }

            console.Ansi.Write(table);
            return ExitCodes.Success;
        }));
        return command;
    }
}
