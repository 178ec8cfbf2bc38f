using System.Globalization;
using System.Text;
using HvFleet.Agent.Hosting;
using HvFleet.Cli.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace HvFleet.Cli.Demo;

/// <summary>Lab agents (each on its own loopback port with its own lab directory) and an orchestrator over them, in a
/// temporary folder that is deleted on disposal. The demo runs on it; so do the CLI's functional tests.</summary>
internal sealed class LabFleet : IAsyncDisposable
{
    private readonly List<WebApplication> _agents = [];
    private WebApplication? _orchestrator;

    private LabFleet(DirectoryInfo root)
    {
        Root = root;
    }

    public DirectoryInfo Root { get; }

    /// <summary>The directory under which every agent accepts exports.</summary>
    public string ExportRoot => Path.Combine(Root.FullName, "exports");

    /// <summary>The orchestrator's host:port.</summary>
    public string OrchestratorAddress { get; private set; } = "";

    /// <param name="hostCount">Agents to start, named lab-01, lab-02, ...</param>
    /// <param name="labLatency">Extra latency of every backend operation.</param>
    /// <param name="agentSettings">Extra configuration per agent index (0-based), e.g. fault injection.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<LabFleet> StartAsync(int hostCount, TimeSpan labLatency,
        Func<int, IReadOnlyDictionary<string, string?>>? agentSettings, CancellationToken cancellationToken)
    {
        var fleet = new LabFleet(Directory.CreateTempSubdirectory("hvfleet-lab-"));
        try
        {
            var inventory = new StringBuilder("hosts:\n");
            for (int i = 0; i < hostCount; i++)
            {
                string name = $"lab-{i + 1:D2}";
                var settings = new Dictionary<string, string?>
                {
                    ["Agent:Listen"] = "127.0.0.1:0",
                    ["Agent:Insecure"] = "true",
                    ["Agent:Backend"] = "lab",
                    ["Agent:DataDirectory"] = Path.Combine(fleet.Root.FullName, name),
                    ["Agent:ExportRoots:0"] = fleet.ExportRoot,
                    ["Lab:HostName"] = name,
                    ["Lab:SeedDiskSizeBytes"] = (4 * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
                    ["Lab:Faults:Delay"] = labLatency.ToString("c", CultureInfo.InvariantCulture),
                    ["Logging:LogLevel:Default"] = "Warning",
                };
                foreach (var (key, value) in agentSettings?.Invoke(i) ?? new Dictionary<string, string?>())
                {
                    settings[key] = value;
                }

                var agent = AgentHost.Build(settings);
                fleet._agents.Add(agent);
                await agent.StartAsync(cancellationToken);
                string address = agent.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
                inventory.Append(CultureInfo.InvariantCulture, $"  - name: {name}\n    address: {address}\n    labels: {{ lab: \"true\", parity: {(i % 2 == 0 ? "odd" : "even")} }}\n");
            }

            string inventoryPath = Path.Combine(fleet.Root.FullName, "inventory.yaml");
            await File.WriteAllTextAsync(inventoryPath, inventory.ToString(), cancellationToken);
            fleet._orchestrator = OrchestratorHost.Build(new OrchestratorHostSettings
            {
                Listen = "127.0.0.1:0",
                InventoryPath = inventoryPath,
                DataDirectory = Path.Combine(fleet.Root.FullName, "orchestrator"),
                AgentsInsecure = true,
                LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
            });
            await fleet._orchestrator.StartAsync(cancellationToken);
            fleet.OrchestratorAddress = OrchestratorHost.BoundAddress(fleet._orchestrator);
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_orchestrator is not null)
        {
            await _orchestrator.StopAsync(CancellationToken.None);
            await _orchestrator.DisposeAsync();
        }

        foreach (var agent in _agents)
        {
            await agent.StopAsync(CancellationToken.None);
            await agent.DisposeAsync();
        }

        try
        {
            Root.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Best effort; the folder is in the temporary directory.
        }
    }
}
