using HvFleet.Security.Clients;
using System.Globalization;
using System.Text.Json;
using HvFleet.Cli.Demo;
using HvFleet.Protos.Agent.V1;
using HvFleet.Security.Tls;
using Microsoft.Extensions.Logging.Abstractions;

namespace HvFleet.Cli.Tests.Functional;

/// <summary>Normal fleet work is not failed by the agents' call limits: a real lab agent seeded with 200 VMs in groups
/// (and its standalone VM), a real orchestrator calling it over mutual TLS with its orchestrator certificate, every
/// limit at its default, and a per-VM snapshot of every VM through <c>hvfleet snapshot --vm ... --wait</c>.</summary>
public sealed class LargeHostSnapshotTests
{
    [Fact]
    public async Task Snapshot_PerVmOn200VmHostWithDefaultLimits_EveryVmSucceeds()
    {
        await using var fleet = await LabFleet.StartAsync(1, TimeSpan.Zero, _ => new Dictionary<string, string?>
        {
            ["Lab:SeedCollections"] = "50",
            ["Lab:SeedMinVmsPerCollection"] = "4",
            ["Lab:SeedMaxVmsPerCollection"] = "4",
            ["Lab:SeedDiskSizeBytes"] = (64 * 1024).ToString(CultureInfo.InvariantCulture),
            ["Lab:GuestIoEnabled"] = "false",
        }, mutualTls: true, CancellationToken.None);
        var vms = await ListVmNamesAsync(fleet);
        Assert.True(vms.Count > 200, $"the lab host has {vms.Count} VMs");

        var run = await CliRun.RunAsync(["snapshot", "--host", "lab-01", .. vms.SelectMany(v => new[] { "--vm", v }), "--wait", "--output", "json",
            .. fleet.ClientArguments]);

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error + run.Output);
        using var json = JsonDocument.Parse(run.Output);
        var operation = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("OPERATION_STATE_SUCCEEDED", operation.GetProperty("state").GetString());
        var tasks = operation.GetProperty("tasks").EnumerateArray().ToList();
        Assert.Equal(vms.Order(StringComparer.Ordinal), tasks.Select(t => t.GetProperty("target_name").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(tasks, t => Assert.Equal("TASK_OUTCOME_SUCCEEDED", t.GetProperty("outcome").GetString()));
    }

    /// <summary>The VM names, asked of the agent itself with the fleet's operator certificate.</summary>
    private static async Task<List<string>> ListVmNamesAsync(LabFleet fleet)
    {
        using var tls = new FleetClientTls(fleet.ClientSecurity.CertificatePath, fleet.ClientSecurity.KeyPath, fleet.ClientSecurity.CaPath,
            TimeProvider.System, NullLoggerFactory.Instance);
        using var channel = FleetChannels.Create(new Uri($"https://{fleet.AgentAddresses[0]}"), tls.CreateChannelOptions("127.0.0.1"));
        var response = await new HostAgent.HostAgentClient(channel).ListVirtualMachinesAsync(new ListVirtualMachinesRequest());
        return response.VirtualMachines.Select(v => v.Name).ToList();
    }
}
