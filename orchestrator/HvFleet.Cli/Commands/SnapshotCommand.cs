using System.CommandLine;
using HvFleet.Protos.Orchestrator.V1;
using PbAgent = HvFleet.Protos.Agent.V1;

namespace HvFleet.Cli.Commands;

/// <summary><c>hvfleet snapshot</c>: a fleet-wide checkpoint (recovery by default).</summary>
internal static class SnapshotCommand
{
    public static Command Create(CliConsole console)
    {
        var orchestrator = new OrchestratorConnectionOptions();
        var output = CommonOptions.Output();
        var wait = CommonOptions.Wait();
        var all = new Option<bool>("--all") { Description = "Every host of the inventory" };
        var hosts = new Option<List<string>>("--host") { Description = "Hosts by name (repeatable)" };
        var labels = CommonOptions.Labels();
        var collections = new Option<List<string>>("--collection") { Description = "VM groups by name or id (repeatable; default: every VM group)" };
        var vms = new Option<List<string>>("--vm") { Description = "VMs by name or id, each checkpointed on its own (repeatable)" };
        var type = new Option<string>("--type") { Description = "recovery (default; for backup) or standard", DefaultValueFactory = _ => "recovery" }
            .AcceptOnlyFromAmong("recovery", "standard");
        var name = new Option<string?>("--name") { Description = "Checkpoint name (at most 100 characters)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show the plan (hosts × targets, waves); change nothing" };
        var requestId = new Option<string?>("--request-id") { Description = "Idempotency key: the same key returns the same operation" };
        var policy = new PolicyOptions();
        var command = new Command("snapshot", "Checkpoint VM groups or VMs across the fleet")
        {
            output, wait, all, hosts, labels, collections, vms, type, name, dryRun, requestId,
        };
        policy.AddTo(command);
        command.Validators.Add(result =>
        {
            bool anyHost = result.GetValue(all) || (result.GetValue(hosts)?.Count ?? 0) > 0 || (result.GetValue(labels)?.Count ?? 0) > 0;
            if (!anyHost)
            {
                result.AddError("select hosts with --all, --host or --label");
            }

            if ((result.GetValue(collections)?.Count ?? 0) > 0 && (result.GetValue(vms)?.Count ?? 0) > 0)
            {
                result.AddError("--collection and --vm cannot be combined");
            }
        });
        orchestrator.AddTo(command);
        command.SetAction((parse, cancellationToken) => OperationCommandRunner.GuardAsync(console, async () =>
        {
            using var connection = orchestrator.Connect(parse);
            var request = new StartFleetSnapshotRequest
            {
                Hosts = new HostSelector { All = parse.GetValue(all), Names = { parse.GetValue(hosts) ?? [] }, Labels = { CommonOptions.ParseLabels(parse.GetValue(labels)) } },
                Targets = Targets(parse.GetValue(collections), parse.GetValue(vms)),
                SnapshotType = parse.GetValue(type) == "standard" ? PbAgent.SnapshotType.Standard : PbAgent.SnapshotType.Recovery,
                Name = parse.GetValue(name) ?? "",
                Policy = policy.Bind(parse),
                RequestId = parse.GetValue(requestId) ?? "",
                DryRun = parse.GetValue(dryRun),
            };
            var started = await connection.Client.StartFleetSnapshotAsync(request, cancellationToken: cancellationToken);
            return await OperationCommandRunner.ReportAsync(connection.Client, started.Operation, parse.GetValue(wait),
                parse.GetValue(output) == "json", console, cancellationToken);
        }));
        return command;
    }

    private static TargetSelector Targets(List<string>? collections, List<string>? vms)
    {
        if (collections is { Count: > 0 })
        {
            return new TargetSelector { Collections = new NameList { Names = { collections } } };
        }

        return vms is { Count: > 0 } ? new TargetSelector { Vms = new NameList { Names = { vms } } } : new TargetSelector { AllCollections = true };
    }
}
