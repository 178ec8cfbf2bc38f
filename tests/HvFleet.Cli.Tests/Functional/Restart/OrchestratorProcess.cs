using HvFleet.Testing;

namespace HvFleet.Cli.Tests.Functional.Restart;

/// <summary><c>hvfleet serve</c> as a child process (the hvfleet.dll built next to the tests), so that a test can kill it
/// for real (SIGKILL: no drain, no lease release, no final writes) and start another on the same data directory.</summary>
internal sealed class OrchestratorProcess : IAsyncDisposable
{
    private const string ListeningPrefix = "hvfleet orchestrator listening on ";

    private readonly ChildProcess _process;

    private OrchestratorProcess(ChildProcess process, string address)
    {
        _process = process;
        Address = address;
    }

    /// <summary>host:port of the Fleet API.</summary>
    public string Address { get; }

    /// <summary>Everything the process wrote so far (for failure messages).</summary>
    public string Output => _process.Output;

    /// <summary>Starts <c>hvfleet serve --listen 127.0.0.1:0 --insecure-loopback-tcp --insecure-loopback-role admin --agents-insecure</c> (plaintext on loopback,
    /// lab agents over h2c) and waits for the address it listens on.</summary>
    /// <param name="inventoryPath">The inventory file.</param>
    /// <param name="dataDirectory">The operations database's directory.</param>
    /// <param name="leaseDuration">HvFleet:Orchestrator:LeaseDuration: how soon a killed predecessor's operations may be taken over.</param>
    /// <param name="timeout">Time allowed for the start.</param>
    /// <param name="reclaimGoneOwners">HvFleet:Orchestrator:ReclaimLeasesOfGoneOwners: false waits for a killed predecessor's leases to expire.</param>
    public static async Task<OrchestratorProcess> StartAsync(string inventoryPath, string dataDirectory, TimeSpan leaseDuration, TimeSpan timeout, bool reclaimGoneOwners = true)
    {
        var process = ChildProcess.StartDotnet("hvfleet.dll",
        [
            "serve", "--listen", "127.0.0.1:0",
            "--inventory", inventoryPath, "--data-dir", dataDirectory, "--insecure-loopback-tcp", "--insecure-loopback-role", "admin", "--agents-insecure",
        ], new Dictionary<string, string>
        {
            ["HVFLEET_HvFleet__Orchestrator__LeaseDuration"] = leaseDuration.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            ["HVFLEET_HvFleet__Orchestrator__ResumeInterval"] = "00:00:00.250",
            ["HVFLEET_HvFleet__Orchestrator__ReclaimLeasesOfGoneOwners"] = reclaimGoneOwners ? "true" : "false",
        });
        try
        {
            // "... listening on 127.0.0.1:PORT (PLAINTEXT TCP on loopback: ...)"
            string line = await process.WaitForLineAsync(l => l.Contains(ListeningPrefix, StringComparison.Ordinal), timeout, "hvfleet serve listening");
            return new OrchestratorProcess(process, line[(line.IndexOf(ListeningPrefix, StringComparison.Ordinal) + ListeningPrefix.Length)..].Trim().Split(' ')[0]);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            await process.DisposeAsync();
            throw new InvalidOperationException($"hvfleet serve did not start: {ex.Message}", ex);
        }
    }

    /// <summary>SIGKILL, then waits for the exit; returns the exit code (137 = killed by signal 9).</summary>
    public Task<int> KillAsync() => _process.KillAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    /// <summary>The dotnet host running these tests (hvfleet.dll is framework-dependent).</summary>
    internal static string DotnetHost() => ChildProcess.DotnetHost();
}
