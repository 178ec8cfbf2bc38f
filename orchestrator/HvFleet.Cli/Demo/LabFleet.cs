using System.Globalization;
using System.Text;
using HvFleet.Agent.Hosting;
using HvFleet.Agent.Service;
using HvFleet.Cli.Commands;
using HvFleet.Orchestrator.Hosting;
using HvFleet.Security.Unix;
using HvFleet.Security.Pki;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace HvFleet.Cli.Demo;

/// <summary>Lab agents (each on its own loopback port with its own lab directory) and an orchestrator over them, in a
/// temporary folder that is deleted on disposal. The demo runs on it; so do the CLI's functional tests.
/// With mutual TLS (the default) a fleet CA is made on the fly with <see cref="PkiCommands"/>: each agent serves its own
/// certificate (IP SAN 127.0.0.1), the orchestrator serves and calls agents with an admin certificate, and the client
/// gets an operator certificate, so every hop runs the secure path exactly as a real fleet does. Without it every hop is
/// plaintext on an owner-only unix socket in the temporary folder (the local owner's path).</summary>
internal sealed class LabFleet : IAsyncDisposable
{
    private readonly List<WebApplication> _agents = [];
    private readonly List<string> _agentAddresses = [];
    private WebApplication? _orchestrator;

    private LabFleet(DirectoryInfo root)
    {
        Root = root;
    }

    public DirectoryInfo Root { get; }

    /// <summary>The directory under which every agent accepts exports.</summary>
    public string ExportRoot => Path.Combine(Root.FullName, "exports");

    /// <summary>Each agent's host:port (unix:/PATH without mutual TLS), in host order.</summary>
    public IReadOnlyList<string> AgentAddresses => _agentAddresses;

    /// <summary>The orchestrator's host:port (unix:/PATH without mutual TLS).</summary>
    public string OrchestratorAddress { get; private set; } = "";

    /// <summary>The client's TLS material (an operator certificate), or none when the fleet runs in plaintext.</summary>
    public FleetConnectionSecurity ClientSecurity { get; private set; } = FleetConnectionSecurity.None;

    /// <summary>The fleet's PKI folder (ca.crt, one certificate per agent, orchestrator, operator), when mutual TLS is on.</summary>
    public string PkiDirectory => Path.Combine(Root.FullName, "pki");

    /// <summary>The flags an <c>hvfleet</c> client command needs to reach this fleet's orchestrator.</summary>
    public IReadOnlyList<string> ClientArguments => ClientSecurity.IsTls
        ? ["--orchestrator", OrchestratorAddress, "--tls-cert", ClientSecurity.CertificatePath, "--tls-key", ClientSecurity.KeyPath, "--client-ca", ClientSecurity.CaPath]
        : ["--orchestrator", OrchestratorAddress];

    /// <summary>A connection to the orchestrator as the fleet's operator.</summary>
    public FleetConnection Connect() => FleetConnection.Open(OrchestratorAddress, ClientSecurity);

    /// <param name="hostCount">Agents to start, named lab-01, lab-02, ...</param>
    /// <param name="labLatency">Extra latency of every backend operation.</param>
    /// <param name="agentSettings">Extra configuration per agent index (0-based), e.g. fault injection.</param>
    /// <param name="mutualTls">Run every hop over mutual TLS with a CA made on the fly (else plaintext h2c on unix sockets).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<LabFleet> StartAsync(int hostCount, TimeSpan labLatency,
        Func<int, IReadOnlyDictionary<string, string?>>? agentSettings, bool mutualTls, CancellationToken cancellationToken)
    {
        var fleet = new LabFleet(Directory.CreateTempSubdirectory("hvfleet-lab-"));
        try
        {
            var pki = new PkiCommands();
            string caPath = Path.Combine(fleet.PkiDirectory, PkiFiles.CaCertificate);
            if (mutualTls)
            {
                Check(await pki.InitAsync(fleet.PkiDirectory, null, cancellationToken));
            }

            var inventory = new StringBuilder("hosts:\n");
            for (int i = 0; i < hostCount; i++)
            {
                string name = $"lab-{i + 1:D2}";
                var settings = new Dictionary<string, string?>
                {
                    ["Agent:Listen"] = mutualTls ? "127.0.0.1:0" : UnixSocketAddress.Format(Path.Combine(fleet.Root.FullName, name + ".sock")),
                    ["Agent:Backend"] = "lab",
                    ["Agent:DataDirectory"] = Path.Combine(fleet.Root.FullName, name),
                    ["Agent:ExportRoots:0"] = fleet.ExportRoot,
                    ["Lab:HostName"] = name,
                    ["Lab:SeedDiskSizeBytes"] = (4 * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
                    ["Lab:Faults:Delay"] = labLatency.ToString("c", CultureInfo.InvariantCulture),
                    ["Logging:LogLevel:Default"] = "Warning",
                };
                if (mutualTls)
                {
                    Check(await pki.IssueAsync(fleet.PkiDirectory, name, "viewer", [], ["127.0.0.1"], fleet.PkiDirectory, null, cancellationToken));
                    settings["Agent:TlsCertificate"] = Path.Combine(fleet.PkiDirectory, PkiFiles.Certificate(name));
                    settings["Agent:TlsKey"] = Path.Combine(fleet.PkiDirectory, PkiFiles.Key(name));
                    settings["Agent:ClientCa"] = caPath;
                }

                foreach (var (key, value) in agentSettings?.Invoke(i) ?? new Dictionary<string, string?>())
                {
                    settings[key] = value;
                }

                var agent = AgentHost.Build(settings);
                fleet._agents.Add(agent);
                await agent.StartAsync(cancellationToken);
                string address = mutualTls
                    ? new Uri(agent.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Authority
                    : settings["Agent:Listen"]!;
                fleet._agentAddresses.Add(address);
                inventory.Append(CultureInfo.InvariantCulture, $"  - name: {name}\n    address: {address}\n    labels: {{ lab: \"true\", parity: {(i % 2 == 0 ? "odd" : "even")} }}\n");
            }

            string inventoryPath = Path.Combine(fleet.Root.FullName, "inventory.yaml");
            await File.WriteAllTextAsync(inventoryPath, inventory.ToString(), cancellationToken);
            var orchestratorSettings = new OrchestratorHostSettings
            {
                Listen = mutualTls ? "127.0.0.1:0" : UnixSocketAddress.Format(Path.Combine(fleet.Root.FullName, "hvfleet.sock")),
                InventoryPath = inventoryPath,
                DataDirectory = Path.Combine(fleet.Root.FullName, "orchestrator"),
                AgentsInsecure = !mutualTls,
                LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
            };
            if (mutualTls)
            {
                // Admin: the orchestrator may delete the checkpoints of a failed or cancelled operation (cleanup policy).
                // Marked as the orchestrator's: agents give it the orchestrator's call limits.
                Check(await pki.IssueAsync(fleet.PkiDirectory, "orchestrator", "admin", ["localhost"], ["127.0.0.1"], fleet.PkiDirectory,
                    new PkiOptions { Orchestrator = true }, cancellationToken));
                Check(await pki.IssueAsync(fleet.PkiDirectory, "operator", "operator", [], [], fleet.PkiDirectory, null, cancellationToken));
                orchestratorSettings = orchestratorSettings with
                {
                    TlsCertificatePath = Path.Combine(fleet.PkiDirectory, PkiFiles.Certificate("orchestrator")),
                    TlsKeyPath = Path.Combine(fleet.PkiDirectory, PkiFiles.Key("orchestrator")),
                    ClientCaPath = caPath,
                };
                fleet.ClientSecurity = new FleetConnectionSecurity(
                    Path.Combine(fleet.PkiDirectory, PkiFiles.Certificate("operator")), Path.Combine(fleet.PkiDirectory, PkiFiles.Key("operator")), caPath);
            }

            fleet._orchestrator = OrchestratorHost.Build(orchestratorSettings, services => services.AddSystemdNotify());
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

    private static void Check(PkiResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"lab PKI: {result.Error}");
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
