using HvFleet.Security.Clients;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using HvFleet.Protos.Agent.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace HvFleet.Chaos.Tests.Processes;

/// <summary><c>hvfleet-agent</c> as a child process (the hvfleet-agent.dll built next to the tests) on a loopback port,
/// plaintext, lab backend, so that a test can kill it for real (SIGKILL: no drain, no final writes) and start another
/// on the same data directory.</summary>
internal sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;

    private AgentProcess(Process process, StringBuilder output, string address)
    {
        _process = process;
        _output = output;
        Address = address;
        Channel = FleetChannels.Create(new Uri($"http://{address}"));
        Client = new HostAgent.HostAgentClient(Channel);
    }

    /// <summary>host:port.</summary>
    public string Address { get; }

    public GrpcChannel Channel { get; }

    public HostAgent.HostAgentClient Client { get; }

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

    /// <summary>Starts <c>hvfleet-agent --listen 127.0.0.1:PORT --insecure --backend lab --data-dir D --export-root R</c>
    /// on a free port and waits until it answers GetHostInfo (its recovery of unfinished jobs runs before it serves).</summary>
    /// <param name="dataDirectory">Job database, audit log and lab host (data-dir/lab).</param>
    /// <param name="exportRoot">The only export root.</param>
    /// <param name="lab">Further settings as configuration keys (e.g. <c>Lab:SeedCollections</c>), passed as
    /// HVFLEET_AGENT_ environment variables.</param>
    /// <param name="timeout">Time allowed for the start.</param>
    public static async Task<AgentProcess> StartAsync(string dataDirectory, string exportRoot, IReadOnlyDictionary<string, string> lab, TimeSpan timeout)
    {
        // The free port is free when picked, not necessarily when the agent binds it (other tests run beside): a start
        // that exits at once is tried again on another port, twice.
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(dataDirectory, exportRoot, lab, timeout);
            }
            catch (AgentExitedException) when (attempt < 3)
            {
            }
        }
    }

    private static async Task<AgentProcess> StartOnceAsync(string dataDirectory, string exportRoot, IReadOnlyDictionary<string, string> lab, TimeSpan timeout)
    {
        var agent = Launch(dataDirectory, exportRoot, lab);
        var process = agent._process;
        try
        {
            await HvFleet.Testing.Wait.UntilAsync(async () =>
            {
                if (process.HasExited)
                {
                    throw new AgentExitedException($"hvfleet-agent exited with {process.ExitCode} before it served");
                }

                try
                {
                    using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await agent.Client.GetHostInfoAsync(new GetHostInfoRequest(), cancellationToken: attempt.Token);
                    return true;
                }
                catch (RpcException)
                {
                    return false;
                }
                catch (OperationCanceledException)
                {
                    return false;
                }
            }, timeout, "hvfleet-agent answered GetHostInfo", TimeSpan.FromMilliseconds(100));
            return agent;
        }
        catch (AgentExitedException ex)
        {
            await agent.DisposeAsync();
            throw new AgentExitedException($"{ex.Message}\n{agent.Output}");
        }
        catch (TimeoutException ex)
        {
            await agent.DisposeAsync();
            throw new InvalidOperationException($"hvfleet-agent did not start: {ex.Message}\n{agent.Output}", ex);
        }
    }

    /// <summary>Starts the process on a free port without waiting for it to serve (a test may kill it while it recovers).</summary>
    public static AgentProcess Launch(string dataDirectory, string exportRoot, IReadOnlyDictionary<string, string> lab)
    {
        string address = $"127.0.0.1:{FreeLoopbackPort().ToString(CultureInfo.InvariantCulture)}";
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[]
                 {
                     "exec", Path.Combine(AppContext.BaseDirectory, "hvfleet-agent.dll"), "--listen", address, "--insecure-loopback-tcp", "--insecure-loopback-role", "admin",
                     "--backend", "lab", "--data-dir", dataDirectory, "--export-root", exportRoot,
                 })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in lab)
        {
            start.Environment["HVFLEET_AGENT_" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment["HVFLEET_AGENT_Logging__LogLevel__Default"] = "Warning";
        start.Environment["DOTNET_gcServer"] = "0";

        var output = new StringBuilder();
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new AgentProcess(process, output, address);

        void Append(string? line)
        {
            if (line is not null)
            {
                lock (output)
                {
                    output.AppendLine(line);
                }
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
        Channel.Dispose();
        await KillAsync();
        _process.Dispose();
    }

    /// <summary>A loopback port free right now (the agent binds it a moment later; a clash fails the start loudly).</summary>
    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The dotnet host running these tests (hvfleet-agent.dll is framework-dependent).</summary>
    private static string DotnetHost()
    {
        string? current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }
}
