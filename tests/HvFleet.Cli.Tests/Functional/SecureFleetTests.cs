using System.Text.Json;
using HvFleet.Orchestrator.Hosting;
using HvFleet.Security.Pki;
using Microsoft.AspNetCore.Builder;

namespace HvFleet.Cli.Tests.Functional;

/// <summary>The orchestrator's Fleet API over mutual TLS, called by the CLI with certificates from the fleet PKI: roles,
/// refusals, audit, certificate expiry in ListHosts, the health-only listener and the agent identity check.</summary>
public sealed class SecureFleetTests(LabFleetFixture fixture) : IClassFixture<LabFleetFixture>, IAsyncLifetime
{
    private readonly string _pki = Directory.CreateTempSubdirectory("hvfleet-secure-cli-").FullName;

    private string PkiDirectory => fixture.Fleet.PkiDirectory;

    private string Ca => Path.Combine(PkiDirectory, PkiFiles.CaCertificate);

    public async Task InitializeAsync()
    {
        var pki = new PkiCommands();
        Assert.True((await pki.IssueAsync(fixture.Fleet.PkiDirectory, "viewer-1", "viewer", [], [], _pki, null, CancellationToken.None)).Succeeded);
        Assert.True((await pki.InitAsync(Path.Combine(_pki, "other"), null, CancellationToken.None)).Succeeded);
        Assert.True((await pki.IssueAsync(Path.Combine(_pki, "other"), "intruder", "admin", [], [], _pki, null, CancellationToken.None)).Succeeded);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_pki, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Hosts_ViewerCertificate_ListsHostsWithTheirCertificateExpiry()
    {
        var run = await CliRun.RunAsync(["hosts", "--refresh", "--output", "json", .. As("viewer-1", _pki)]);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal(3, json.RootElement.GetArrayLength());
        Assert.All(json.RootElement.EnumerateArray(), host =>
        {
            Assert.Equal("REACHABILITY_REACHABLE", host.GetProperty("reachability").GetString());
            var certificate = host.GetProperty("certificate");
            Assert.Contains(host.GetProperty("name").GetString()!, certificate.GetProperty("subject").GetString(), StringComparison.Ordinal);
            var notAfter = DateTimeOffset.Parse(certificate.GetProperty("not_after").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(notAfter, DateTimeOffset.UtcNow.AddDays(300), DateTimeOffset.UtcNow.AddDays(400));
        });
    }

    [Fact]
    public async Task Snapshot_ViewerCertificate_PermissionDeniedNamingOperatorAndAudited()
    {
        var run = await CliRun.RunAsync(["snapshot", "--all", "--dry-run", .. As("viewer-1", _pki)]);

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains("PermissionDenied", run.Error, StringComparison.Ordinal);
        Assert.Contains("'operator'", run.Error, StringComparison.Ordinal);
        var denied = await AuditLinesAsync(line => line.Contains("viewer-1", StringComparison.Ordinal) && line.Contains("StartFleetSnapshot", StringComparison.Ordinal));
        Assert.Contains(denied, line => line.Contains("PERMISSION_DENIED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Snapshot_OperatorCertificate_SucceedsAndAuditNamesCallerAndOperation()
    {
        var run = await CliRun.RunAsync(["snapshot", "--host", "lab-01", "--wait", "--output", "json", .. fixture.Fleet.ClientArguments]);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        string id = JsonDocument.Parse(run.Output).RootElement[0].GetProperty("id").GetString()!;
        var lines = await AuditLinesAsync(line => line.Contains(id, StringComparison.Ordinal));
        using var record = JsonDocument.Parse(Assert.Single(lines));
        Assert.Equal("operator", record.RootElement.GetProperty("role").GetString());
        Assert.Equal("OK", record.RootElement.GetProperty("outcome").GetString());
        Assert.Contains("lab-01", record.RootElement.GetProperty("targets").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task Hosts_NoClientCertificate_Refused()
    {
        var run = await CliRun.RunAsync("hosts", "--orchestrator", fixture.Fleet.OrchestratorAddress, "--client-ca", Ca);

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Matches("Unavailable|Unauthenticated", run.Error);
    }

    [Fact]
    public async Task Hosts_CertificateFromAnotherCa_Refused()
    {
        var run = await CliRun.RunAsync(["hosts", .. As("intruder", _pki)]);

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Matches("Unavailable|Unauthenticated", run.Error);
    }

    [Fact]
    public async Task Hosts_PlaintextToTheMtlsPort_Fails()
    {
        var run = await CliRun.RunAsync("hosts", "--orchestrator", fixture.Fleet.OrchestratorAddress);

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
    }

    [Fact]
    public async Task Hosts_MissingKeyFile_ErrorNamesTheFlag()
    {
        var run = await CliRun.RunAsync("hosts", "--orchestrator", fixture.Fleet.OrchestratorAddress, "--client-ca", Ca,
            "--tls-cert", Path.Combine(_pki, "viewer-1.crt"), "--tls-key", Path.Combine(_pki, "missing.key"));

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains("--tls-key", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_HealthListener_ServesHealthOnlyInPlaintext()
    {
        await using var orchestrator = await SecondOrchestrator.StartAsync(this, "hosts: []\n", healthListen: "127.0.0.1:0");
        string health = OrchestratorHost.HealthAddress(orchestrator.App)!;

        var check = await CliRun.RunAsync("health", "--address", health);
        var fleetOnHealthPort = await CliRun.RunAsync("hosts", "--orchestrator", health);
        var checkOverMtls = await CliRun.RunAsync(["health", .. As("viewer-1", _pki, "--address", OrchestratorHost.BoundAddress(orchestrator.App))]);

        Assert.Equal((ExitCodes.Success, "SERVING"), (check.ExitCode, check.Output.Trim()));
        Assert.Equal(ExitCodes.Failed, fleetOnHealthPort.ExitCode);
        Assert.Contains("Unimplemented", fleetOnHealthPort.Error, StringComparison.Ordinal);
        Assert.Equal((ExitCodes.Success, "SERVING"), (checkOverMtls.ExitCode, checkOverMtls.Output.Trim()));
    }

    [Fact]
    public async Task Health_NothingListening_Exit1()
    {
        var run = await CliRun.RunAsync("health", "--address", "127.0.0.1:1", "--timeout", "2s");

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains("Unavailable", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListHosts_AgentIdentityDiffersFromInventory_HostUnreachable()
    {
        string agent = fixture.Fleet.AgentAddresses[0];
        await using var orchestrator = await SecondOrchestrator.StartAsync(this,
            $"hosts:\n  - name: right\n    address: {agent}\n  - name: wrong\n    address: {agent}\n    tlsIdentity: lab-99.example\n");

        var run = await CliRun.RunAsync(["hosts", "--refresh", "--output", "json", .. As("viewer-1", _pki, "--orchestrator", OrchestratorHost.BoundAddress(orchestrator.App))]);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var hosts = JsonDocument.Parse(run.Output).RootElement.EnumerateArray().ToDictionary(h => h.GetProperty("name").GetString()!);
        Assert.Equal("REACHABILITY_REACHABLE", hosts["right"].GetProperty("reachability").GetString());
        Assert.Equal("REACHABILITY_UNREACHABLE", hosts["wrong"].GetProperty("reachability").GetString());
    }

    private string[] As(string name, string directory, string addressFlag = "--orchestrator", string? address = null) =>
        [addressFlag, address ?? fixture.Fleet.OrchestratorAddress, "--client-ca", Ca,
            "--tls-cert", Path.Combine(directory, PkiFiles.Certificate(name)), "--tls-key", Path.Combine(directory, PkiFiles.Key(name))];

    /// <summary>Another orchestrator over mTLS with the fleet's orchestrator certificate, on its own inventory and data.</summary>
    private sealed class SecondOrchestrator : IAsyncDisposable
    {
        private readonly string _root;

        private SecondOrchestrator(string root, WebApplication app)
        {
            _root = root;
            App = app;
        }

        public WebApplication App { get; }

        public static async Task<SecondOrchestrator> StartAsync(SecureFleetTests test, string inventoryYaml, string? healthListen = null)
        {
            string root = Directory.CreateTempSubdirectory("hvfleet-second-").FullName;
            string inventory = Path.Combine(root, "inventory.yaml");
            await File.WriteAllTextAsync(inventory, inventoryYaml);
            string certificate = Path.Combine(test.PkiDirectory, "orchestrator");
            var app = OrchestratorHost.Build(new OrchestratorHostSettings
            {
                Listen = "127.0.0.1:0",
                HealthListen = healthListen,
                InventoryPath = inventory,
                DataDirectory = Path.Combine(root, "data"),
                TlsCertificatePath = certificate + ".crt",
                TlsKeyPath = certificate + ".key",
                ClientCaPath = test.Ca,
                LogLevel = Microsoft.Extensions.Logging.LogLevel.Critical,
            });
            await app.StartAsync();
            return new SecondOrchestrator(root, app);
        }

        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
            Directory.Delete(_root, recursive: true);
        }
    }

    // The audit line is written when the call ends, just after the client has its answer: poll briefly for it.
    private async Task<List<string>> AuditLinesAsync(Func<string, bool> match)
    {
        string path = Path.Combine(fixture.Fleet.Root.FullName, "orchestrator", "audit.log");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            List<string> lines;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var reader = new StreamReader(stream))
            {
                lines = (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(match).ToList();
            }

            if (lines.Count > 0 || DateTime.UtcNow > deadline)
            {
                return lines;
            }

            await Task.Delay(50);
        }
    }
}
