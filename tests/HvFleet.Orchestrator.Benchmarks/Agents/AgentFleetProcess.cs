using System.Diagnostics;
using System.Globalization;

namespace HvFleet.Orchestrator.Benchmarks.Agents;

/// <summary>The child process that hosts a <see cref="LabAgentFleet"/> (this executable, mode "agents"), so that the
/// orchestrator's CPU is measured on a process of its own. Standard input closing tells it to stop.</summary>
internal sealed class AgentFleetProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _errors;

    private AgentFleetProcess(Process process, Task<string> errors, string root)
    {
        _process = process;
        _errors = errors;
        Root = root;
    }

    public string Root { get; }

    public List<(string Name, string Address)> Agents { get; } = [];

    /// <summary>Seconds the child took to start every agent.</summary>
    public double StartSeconds { get; private set; }

    /// <summary>The child's working set once every agent served, in MiB.</summary>
    public double WorkingSetMiB { get; private set; }

    /// <summary>CPU time the agents process has used so far.</summary>
    public TimeSpan Cpu
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <param name="count">Agents to host.</param>
    /// <param name="latency">Backend latency L of every lab snapshot.</param>
    /// <param name="options">Where the agents keep their data, and their thread pool's minimum.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<AgentFleetProcess> StartAsync(int count, TimeSpan latency, BenchOptions options, CancellationToken cancellationToken)
    {
        string root = Directory.CreateDirectory(Path.Combine(options.AgentsDirectory, $"hvfleet-bench-agents-{Guid.NewGuid():N}")).FullName;
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // Run as "dotnet X.dll" or as the apphost, whichever this process is.
        string self = typeof(AgentFleetProcess).Assembly.Location;
        // (The apphost's name has dots of its own, so it is the host "dotnet" that is recognised, not our name.)
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(self);
        }

        foreach (string arg in new[] { "agents", count.ToString(CultureInfo.InvariantCulture), latency.TotalSeconds.ToString("R", CultureInfo.InvariantCulture), root, options.AgentsMinThreads.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        // The agent executable's own runtime settings (agent/HvFleet.Agent.csproj): workstation non-concurrent GC, no
        // tiered PGO.
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_gcConcurrent"] = "0";
        start.Environment["DOTNET_TieredPGO"] = "0";

        // Every agent's host would otherwise watch its appsettings.json: one inotify instance per agent, and Linux
        // allows 128 per user by default. The agents read no configuration file here.
        start.Environment["DOTNET_hostBuilder__reloadConfigOnChange"] = "false";
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the agents process");
        var fleet = new AgentFleetProcess(process, process.StandardError.ReadToEndAsync(CancellationToken.None), root);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromMinutes(5));
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                string[] parts = line.Split(' ');
                if (parts is ["agent", var name, var address])
                {
                    fleet.Agents.Add((name, new Uri(address).Authority));
                }
                else if (parts is ["ready", var seconds, var workingSet])
                {
                    fleet.StartSeconds = double.Parse(seconds, CultureInfo.InvariantCulture);
                    fleet.WorkingSetMiB = double.Parse(workingSet, CultureInfo.InvariantCulture);
                    _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                    return fleet;
                }
            }

            throw new InvalidOperationException($"the agents process ended before it was ready: {await fleet._errors}");
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(Root, recursive: true);
        }
    }
}
