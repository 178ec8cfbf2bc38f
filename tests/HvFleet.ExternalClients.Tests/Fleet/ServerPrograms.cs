using HvFleet.Testing;

namespace HvFleet.ExternalClients.Tests.Fleet;

/// <summary>Starts the real <c>hvfleet-agent</c> and <c>hvfleet serve</c> as child processes on a loopback port chosen by
/// the kernel (<c>--listen 127.0.0.1:0</c>: no race for a free port), and runs <c>hvfleet</c> commands such as
/// <c>hvfleet pki</c>. Readiness beyond "listening" (health SERVING, hosts reachable) is the clients' to await.</summary>
internal static class ServerPrograms
{
    private const string KestrelListening = "Now listening on: ";
    private const string OrchestratorListening = "hvfleet orchestrator listening on ";

    /// <summary>Lab disks of 4 MiB: snapshots and exports still stream many progress events, in a fraction of the time.</summary>
    private const string LabDiskBytes = "4194304";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    /// <summary><c>hvfleet-agent --listen 127.0.0.1:0 --backend lab</c> with its own data directory; plaintext TCP on
    /// loopback (callers are admins) when <paramref name="tls"/> is null, else mutual TLS with the given files.</summary>
    public static async Task<RunningServer> StartAgentAsync(string dataDirectory, string exportRoot, (string Certificate, string Key, string ClientCa)? tls)
    {
        List<string> arguments =
        [
            "--listen", "127.0.0.1:0", "--backend", "lab", "--data-dir", dataDirectory, "--export-root", exportRoot, "--lab-disk-size", LabDiskBytes,
        ];
        arguments.AddRange(tls is { } files
            ? ["--tls-cert", files.Certificate, "--tls-key", files.Key, "--client-ca", files.ClientCa]
            : ["--insecure-loopback-tcp", "--insecure-loopback-role", "admin"]);
        var process = ChildProcess.StartDotnet("hvfleet-agent.dll", arguments, new Dictionary<string, string>
        {
            // Quiet, except for the host's lifetime messages, which carry the bound address.
            ["HVFLEET_AGENT_Logging__LogLevel__Default"] = "Warning",
            ["HVFLEET_AGENT_Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        });
        try
        {
            // Kestrel's own line: "Now listening on: http(s)://127.0.0.1:PORT".
            string line = await process.WaitForLineAsync(l => l.Contains(KestrelListening, StringComparison.Ordinal), StartTimeout, "hvfleet-agent listening");
            var url = new Uri(line[(line.IndexOf(KestrelListening, StringComparison.Ordinal) + KestrelListening.Length)..].Trim());
            return new RunningServer(process, $"{url.Host}:{url.Port}");
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary><c>hvfleet serve --listen 127.0.0.1:0</c> over mutual TLS: the Fleet API with the orchestrator's certificate,
    /// which it also presents to the agents of the inventory.</summary>
    public static async Task<RunningServer> StartOrchestratorAsync(string inventory, string dataDirectory, string certificate, string key, string clientCa)
    {
        var process = ChildProcess.StartDotnet("hvfleet.dll",
        [
            "serve", "--listen", "127.0.0.1:0", "--inventory", inventory, "--data-dir", dataDirectory,
            "--tls-cert", certificate, "--tls-key", key, "--client-ca", clientCa,
        ]);
        try
        {
            // "hvfleet orchestrator listening on 127.0.0.1:PORT (mutual TLS)".
            string line = await process.WaitForLineAsync(l => l.Contains(OrchestratorListening, StringComparison.Ordinal), StartTimeout, "hvfleet serve listening");
            string address = line[(line.IndexOf(OrchestratorListening, StringComparison.Ordinal) + OrchestratorListening.Length)..].Trim().Split(' ')[0];
            return new RunningServer(process, address);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <c>hvfleet ARGS</c> to its end and fails with its output unless it exits 0.</summary>
    public static async Task RunCliAsync(params string[] arguments)
    {
        await using var process = ChildProcess.StartDotnet("hvfleet.dll", arguments);
        int exitCode = await process.WaitForExitAsync(StartTimeout);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"hvfleet {string.Join(' ', arguments)} exited with {exitCode}:\n{process.Output}");
        }
    }
}
