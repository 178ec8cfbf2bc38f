using System.Diagnostics;
using System.Text;

namespace HvFleet.Cli.Tests.Functional.Restart;

/// <summary><c>hvfleet serve</c> as a child process (the hvfleet.dll built next to the tests), so that a test can kill it
/// for real (SIGKILL: no drain, no lease release, no final writes) and start another on the same data directory.</summary>
internal sealed class OrchestratorProcess : IAsyncDisposable
{
    private const string ListeningPrefix = "hvfleet orchestrator listening on ";

    private readonly Process _process;
    private readonly StringBuilder _output;

    private OrchestratorProcess(Process process, StringBuilder output)
    {
        _process = process;
        _output = output;
    }

    /// <summary>host:port of the Fleet API.</summary>
    public string Address { get; private set; } = "";

    /// <summary>Everything the process wrote so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <c>hvfleet serve --listen 127.0.0.1:0 --insecure-loopback-tcp --insecure-loopback-role admin --agents-insecure</c> (plaintext on loopback,
    /// lab agents over h2c) and waits for the address it listens on.</summary>
    /// <param name="inventoryPath">The inventory file.</param>
    /// <param name="dataDirectory">The operations database's directory.</param>
    /// <param name="leaseDuration">HvFleet:Orchestrator:LeaseDuration: how soon a killed predecessor's operations may be taken over.</param>
    /// <param name="timeout">Time allowed for the start.</param>
    /// <param name="reclaimGoneOwners">HvFleet:Orchestrator:ReclaimLeasesOfGoneOwners: false waits for a killed predecessor's leases to expire.</param>
    public static async Task<OrchestratorProcess> StartAsync(string inventoryPath, string dataDirectory, TimeSpan leaseDuration, TimeSpan timeout, bool reclaimGoneOwners = true)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[]
                 {
                     "exec", Path.Combine(AppContext.BaseDirectory, "hvfleet.dll"), "serve", "--listen", "127.0.0.1:0",
                     "--inventory", inventoryPath, "--data-dir", dataDirectory, "--insecure-loopback-tcp", "--insecure-loopback-role", "admin", "--agents-insecure",
                 })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HVFLEET_HvFleet__Orchestrator__LeaseDuration"] = leaseDuration.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["HVFLEET_HvFleet__Orchestrator__ResumeInterval"] = "00:00:00.250";
        start.Environment["HVFLEET_HvFleet__Orchestrator__ReclaimLeasesOfGoneOwners"] = reclaimGoneOwners ? "true" : "false";
        start.Environment["DOTNET_gcServer"] = "0";

        var output = new StringBuilder();
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("hvfleet serve exited before it listened"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var orchestrator = new OrchestratorProcess(process, output);
        try
        {
            orchestrator.Address = await listening.Task.WaitAsync(timeout);
            return orchestrator;
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            await orchestrator.DisposeAsync();
            throw new InvalidOperationException($"hvfleet serve did not start: {ex.Message}\n{orchestrator.Output}", ex);
        }

        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            int at = line.IndexOf(ListeningPrefix, StringComparison.Ordinal);
            if (at >= 0)
            {
                // "... listening on 127.0.0.1:PORT (PLAINTEXT TCP on loopback: ...)"
                listening.TrySetResult(line[(at + ListeningPrefix.Length)..].Trim().Split(' ')[0]);
            }
        }
    }

    /// <summary>SIGKILL, then waits for the exit; returns the exit code (137 = killed by signal 9).</summary>
    public async Task<int> KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    /// <summary>The dotnet host running these tests (hvfleet.dll is framework-dependent).</summary>
    internal static string DotnetHost()
    {
        string? current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }
}
