using System.CommandLine;
using HvFleet.Cli.Output;
using HvFleet.Protos.Orchestrator.V1;
using Spectre.Console;

namespace HvFleet.Cli.Commands;

/// <summary><c>hvfleet hosts</c>: the inventory with reachability, backend and version.</summary>
internal static class HostsCommand
{
    private static readonly string[] Columns = ["Host", "Address", "Reachability", "Backend", "Version", "Certificate", "Storage", "Labels", "Error"];

    public static Command Create(CliConsole console)
    {
        var orchestrator = new OrchestratorConnectionOptions();
        var output = CommonOptions.Output();
        var refresh = new Option<bool>("--refresh") { Description = "Probe every host now instead of using the cached view" };
        var hosts = new Option<List<string>>("--host") { Description = "Only these hosts (repeatable)" };
        var labels = CommonOptions.Labels();
        var command = new Command("hosts", "List the fleet's hosts with reachability, backend and version") { output, refresh, hosts, labels };
        orchestrator.AddTo(command);
        command.SetAction((parse, cancellationToken) => OperationCommandRunner.GuardAsync(console, async () =>
        {
            using var connection = orchestrator.Connect(parse);
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
                    host.Backend.ToString().ToLowerInvariant(), Markup.Escape(host.AgentVersion), CertificateCell(host.Certificate, DateTimeOffset.UtcNow),
                    Markup.Escape(host.StorageKey),
                    Markup.Escape(string.Join(",", host.Labels.Select(l => $"{l.Key}={l.Value}"))), Markup.Escape(host.Error));
            }

            console.Ansi.Write(table);
            foreach (var host in response.Hosts.Where(h => h.Certificate is { ExpiresSoon: true }))
            {
                console.WriteError($"warning: the certificate of {host.Name} expires on {host.Certificate.NotAfter.ToDateTimeOffset():yyyy-MM-dd}; "
                    + "issue a new one with hvfleet pki issue (it reloads without a restart)");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>"until yyyy-MM-dd", yellow within 30 days of expiry, red once expired; "-" when the agent serves no TLS.</summary>
    internal static string CertificateCell(Protos.Agent.V1.CertificateInfo? certificate, DateTimeOffset now)
    {
        if (certificate?.NotAfter is null)
        {
            return "-";
        }

        var notAfter = certificate.NotAfter.ToDateTimeOffset();
        string text = $"until {notAfter:yyyy-MM-dd}";
        return notAfter <= now ? $"[red]expired {notAfter:yyyy-MM-dd}[/]"
            : certificate.ExpiresSoon ? $"[yellow]{text} (expires soon)[/]"
            : text;
    }
}
