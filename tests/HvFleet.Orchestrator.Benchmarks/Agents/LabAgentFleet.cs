using System.Diagnostics;
using System.Globalization;
using HvFleet.Agent.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace HvFleet.Orchestrator.Benchmarks.Agents;

/// <summary>
/// Many complete lab agents in this process: each one is <see cref="AgentHost.Build"/>'s whole agent (its own Kestrel
/// listener on its own 127.0.0.1 port, DI container, SQLite job store, job engine, lab hypervisor directory, audit log),
/// exactly what <c>hvfleet-agent --insecure-loopback-tcp</c> runs, only sharing the process, the thread pool and the GC.
/// </summary>
internal sealed class LabAgentFleet : IAsyncDisposable
{
    private readonly List<WebApplication> _agents = [];

    private LabAgentFleet(string root)
    {
        Root = root;
    }

    public string Root { get; }

    /// <summary>Name and http://127.0.0.1:port address of every agent, in start order.</summary>
    public List<(string Name, string Address)> Addresses { get; } = [];

    /// <param name="count">Agents to start, named lab-0001, lab-0002, ...</param>
    /// <param name="latency">Backend latency L injected at the start of every lab snapshot (Lab:Faults:Delay).</param>
    /// <param name="root">Directory that holds every agent's data and lab directory.</param>
    /// <param name="parallelism">Agents started at once.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<LabAgentFleet> StartAsync(int count, TimeSpan latency, string root, int parallelism, CancellationToken cancellationToken)
    {
        var fleet = new LabAgentFleet(root);
        var started = new (WebApplication App, string Address)[count];
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, count),
                new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
                async (i, ct) =>
                {
                    var app = AgentHost.Build(Settings(Name(i), latency, root));
                    started[i] = (app, "");
                    await app.StartAsync(ct);
                    started[i] = (app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
                });
        }
        finally
        {
            fleet._agents.AddRange(started.Where(s => s.App is not null).Select(s => s.App));
        }

        fleet.Addresses.AddRange(started.Select((s, i) => (Name(i), s.Address)));
        return fleet;
    }

    public static string Name(int index) => string.Create(CultureInfo.InvariantCulture, $"lab-{index + 1:D4}");

    /// <summary>One agent's configuration: plaintext h2c on loopback (the explicit opt-in, the orchestrator calling as admin), a lab of one VM group with one VM and a 16 KiB
    /// disk, no simulated guest writes (1,000 labs writing every 250 ms would be a disk benchmark), latency L on
    /// snapshots. The per-caller limit of 120 mutating calls a minute is lifted: the orchestrator's warm-up makes more.</summary>
    private static Dictionary<string, string?> Settings(string name, TimeSpan latency, string root) => new()
    {
        ["Agent:Listen"] = "127.0.0.1:0",
        ["Agent:InsecureLoopbackTcp"] = "true",
        ["Agent:InsecureLoopbackRole"] = "admin",
        ["Agent:Backend"] = "lab",
        ["Agent:DataDirectory"] = Path.Combine(root, name),
        ["Agent:ExportRoots:0"] = Path.Combine(root, "exports"),
        ["Lab:HostName"] = name,
        ["Lab:SeedCollections"] = "1",
        ["Lab:SeedMinVmsPerCollection"] = "1",
        ["Lab:SeedMaxVmsPerCollection"] = "1",
        ["Lab:SeedDiskSizeBytes"] = "16384",
        ["Lab:GuestIoBlockSize"] = "4096",
        ["Lab:SeedRandomSeed"] = "1",
        ["Lab:GuestIoEnabled"] = "false",
        ["Lab:Faults:Delay"] = latency.ToString("c", CultureInfo.InvariantCulture),
        ["Security:Limits:MaxMutatingCallsPerMinute"] = "1000000",
        ["Logging:LogLevel:Default"] = "Warning",

        // Up to 1,000 agents: their plaintext-TCP start warnings (one each) would bury the figures.
        ["Logging:LogLevel:HvFleet.Security.Authorization.InsecureLoopbackWarning"] = "Error",
    };

    public async ValueTask DisposeAsync()
    {
        await Parallel.ForEachAsync(_agents, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (agent, _) =>
        {
            await agent.StopAsync(CancellationToken.None);
            await agent.DisposeAsync();
        });
        _agents.Clear();
    }

    /// <summary>The child-process entry point: start the agents, print one "agent NAME ADDRESS" line each and then
    /// "ready", serve until standard input closes, stop them all. <paramref name="minThreads"/> &gt; 0 raises the thread
    /// pool's minimum (all agents share this process's pool, where separate agents would each have their own).</summary>
    public static async Task<int> ServeAsync(int count, TimeSpan latency, string root, int minThreads)
    {
        if (minThreads > 0)
        {
            ThreadPool.GetMinThreads(out _, out int io);
            ThreadPool.SetMinThreads(minThreads, Math.Max(io, minThreads));
        }

        var clock = Stopwatch.StartNew();
        await using var fleet = await StartAsync(count, latency, root, parallelism: 16, CancellationToken.None);
        foreach (var (name, address) in fleet.Addresses)
        {
            Console.WriteLine($"agent {name} {address}");
        }

        using var self = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ready {clock.Elapsed.TotalSeconds:0.000} {self.WorkingSet64 / (1024.0 * 1024.0):0}"));
        await Console.Out.FlushAsync();
        await Console.In.ReadToEndAsync();
        return 0;
    }
}
