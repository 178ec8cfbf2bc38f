using System.Globalization;
using System.Text;

namespace HvFleet.ExternalClients.Tests.Fleet;

/// <summary>One fleet for every test of the collection, all real processes on loopback: a fleet CA and certificates made
/// with <c>hvfleet pki</c>; a lab agent in plaintext (loopback TCP, callers are admins); two lab agents over mutual TLS
/// (lab-01, lab-02); and <c>hvfleet serve</c> over mutual TLS with those two in its inventory. Every agent exports under
/// <see cref="ExportRoot"/>.</summary>
public sealed class FleetFixture : IAsyncLifetime
{
    private readonly List<RunningServer> _servers = [];

    /// <summary>Everything of the run: PKI, data directories, inventory, exports.</summary>
    public string Root { get; } = Directory.CreateTempSubdirectory("hvfleet-clients-").FullName;

    /// <summary>ca.crt and NAME.crt/NAME.key for agent (the agents' serving certificate), orchestrator, ops (operator) and
    /// viewer.</summary>
    public string PkiDirectory => Path.Combine(Root, "pki");

    /// <summary>The one export root of every agent.</summary>
    public string ExportRoot => Path.Combine(Root, "exports");

    /// <summary>host:port of the plaintext agent.</summary>
    public string PlainAgent { get; private set; } = "";

    /// <summary>host:port of lab-01, over mutual TLS.</summary>
    public string TlsAgent { get; private set; } = "";

    /// <summary>host:port of the orchestrator's Fleet API, over mutual TLS.</summary>
    public string Orchestrator { get; private set; } = "";

    /// <summary>The inventory's host names.</summary>
    public IReadOnlyList<string> HostNames { get; } = ["lab-01", "lab-02"];

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.Process.DisposeAsync();
        }

        Directory.Delete(Root, recursive: true);
    }

    /// <summary>What a server wrote so far (for failure messages).</summary>
    public string ServerOutput() => string.Join("\n", _servers.Select(s => $"--- {s.Address} (pid {s.Process.Id})\n{s.Process.Output}"));

    private async Task StartAsync()
    {
        Directory.CreateDirectory(ExportRoot);
        await CreatePkiAsync();
        string Pki(string file) => Path.Combine(PkiDirectory, file);
        var agentTls = (Pki("agent.crt"), Pki("agent.key"), Pki("ca.crt"));

        var starts = new[]
        {
            ServerPrograms.StartAgentAsync(Path.Combine(Root, "plain"), ExportRoot, null),
            ServerPrograms.StartAgentAsync(Path.Combine(Root, HostNames[0]), ExportRoot, agentTls),
            ServerPrograms.StartAgentAsync(Path.Combine(Root, HostNames[1]), ExportRoot, agentTls),
        };
        try
        {
            await Task.WhenAll(starts);
        }
        finally
        {
            _servers.AddRange(starts.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result));
        }

        PlainAgent = starts[0].Result.Address;
        TlsAgent = starts[1].Result.Address;

        // The agents' certificate names localhost and 127.0.0.1; the orchestrator checks it against tlsIdentity.
        var inventory = new StringBuilder("hosts:\n");
        for (int i = 0; i < HostNames.Count; i++)
        {
            inventory.Append(CultureInfo.InvariantCulture, $"  - name: {HostNames[i]}\n    address: {starts[i + 1].Result.Address}\n    tlsIdentity: localhost\n");
        }

        string inventoryPath = Path.Combine(Root, "inventory.yaml");
        await File.WriteAllTextAsync(inventoryPath, inventory.ToString());
        var orchestrator = await ServerPrograms.StartOrchestratorAsync(inventoryPath, Path.Combine(Root, "orchestrator"),
            Pki("orchestrator.crt"), Pki("orchestrator.key"), Pki("ca.crt"));
        _servers.Add(orchestrator);
        Orchestrator = orchestrator.Address;
    }

    private async Task CreatePkiAsync()
    {
        await ServerPrograms.RunCliAsync("pki", "init", "--out", PkiDirectory);
        string[] serverNames = ["--dns", "localhost", "--ip", "127.0.0.1"];
        await Task.WhenAll(
            ServerPrograms.RunCliAsync(["pki", "issue", "--ca", PkiDirectory, "--name", "agent", "--role", "viewer", .. serverNames, "--out", PkiDirectory]),
            ServerPrograms.RunCliAsync(["pki", "issue", "--ca", PkiDirectory, "--name", "orchestrator", "--role", "admin", "--orchestrator", .. serverNames, "--out", PkiDirectory]),
            ServerPrograms.RunCliAsync("pki", "issue", "--ca", PkiDirectory, "--name", "ops", "--role", "operator", "--out", PkiDirectory),
            ServerPrograms.RunCliAsync("pki", "issue", "--ca", PkiDirectory, "--name", "viewer", "--role", "viewer", "--out", PkiDirectory));
    }
}
