using System.CommandLine;
using HvFleet.Security.Pki;

namespace HvFleet.Cli.Commands;

/// <summary><c>hvfleet pki init|issue</c>: the fleet CA and role-carrying certificates (PEM), no external tools.</summary>
internal static class PkiCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("pki", "Create the fleet CA and issue certificates for agents, orchestrators and operators");
        command.Subcommands.Add(CreateInit(console));
        command.Subcommands.Add(CreateIssue(console));
        return command;
    }

    private static Command CreateInit(CliConsole console)
    {
        var output = new Option<string>("--out") { Description = "Directory for ca.crt and ca.key", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace existing files" };
        var init = new Command("init", "Create a fleet CA: DIR/ca.crt and DIR/ca.key (key readable by the owner only)") { output, force };
        init.SetAction((parse, cancellationToken) => ReportAsync(console,
            new PkiCommands().InitAsync(parse.GetValue(output)!, new PkiOptions { Force = parse.GetValue(force) }, cancellationToken)));
        return init;
    }

    private static Command CreateIssue(CliConsole console)
    {
        var ca = new Option<string>("--ca") { Description = "Directory holding ca.crt and ca.key", Required = true };
        var name = new Option<string>("--name") { Description = "Certificate name (file name and subject)", Required = true };
        var role = new Option<string>("--role") { Description = "viewer, operator or admin (carried as SAN URI hvfleet:role:ROLE)", Required = true };
        var dns = new Option<List<string>>("--dns") { Description = "DNS name the certificate serves as (repeatable)" };
        var ip = new Option<List<string>>("--ip") { Description = "IP address the certificate serves as (repeatable)" };
        var output = new Option<string>("--out") { Description = "Directory for NAME.crt and NAME.key", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace existing files" };
        var orchestrator = new Option<bool>("--orchestrator")
        {
            Description = "An orchestrator's certificate (SAN URI hvfleet:usage:orchestrator): agents apply the orchestrator's call limits to it",
        };
        var issue = new Command("issue", "Issue a certificate usable as server and client, signed by the fleet CA") { ca, name, role, dns, ip, output, force, orchestrator };
        issue.SetAction((parse, cancellationToken) => ReportAsync(console,
            new PkiCommands().IssueAsync(
                parse.GetValue(ca)!,
                parse.GetValue(name)!,
                parse.GetValue(role)!,
                parse.GetValue(dns) ?? [],
                parse.GetValue(ip) ?? [],
                parse.GetValue(output)!,
                new PkiOptions { Force = parse.GetValue(force), Orchestrator = parse.GetValue(orchestrator) },
                cancellationToken)));
        return issue;
    }

    private static async Task<int> ReportAsync(CliConsole console, Task<PkiResult> operation)
    {
        var result = await operation;
        if (!result.Succeeded)
        {
            await console.Error.WriteLineAsync("hvfleet pki: " + result.Error);
            return ExitCodes.Failed;
        }

        foreach (var file in result.Files)
        {
            await console.Output.WriteLineAsync(file);
        }

        return ExitCodes.Success;
    }
}
