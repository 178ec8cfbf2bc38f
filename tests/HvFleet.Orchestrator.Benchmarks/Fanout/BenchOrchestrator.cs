using System.Diagnostics;
using HvFleet.Orchestrator.Agents;
using HvFleet.Orchestrator.Benchmarks.Agents;
using HvFleet.Orchestrator.Fanout;
using HvFleet.Orchestrator.Hosting;
using HvFleet.Orchestrator.Inventory;
using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HvFleet.Orchestrator.Benchmarks.Fanout;

/// <summary>
/// The orchestrator as <c>hvfleet serve</c> composes it (orchestrator/HvFleet.Orchestrator/Hosting/OrchestratorHost.cs), minus
/// its own Fleet API listener: the real <see cref="FleetEngine"/> with its default options, the SQLite store in a
/// temporary data directory, and the gRPC agent connector (or, for the in-process table, fake agents). Runs are timed
/// from StartFleetSnapshot to the stored final state, and charged the CPU time of this whole process.
/// </summary>
internal sealed class BenchOrchestrator : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly string _dataDirectory;
    private readonly int _hostCount;
    private readonly Func<TimeSpan>? _agentsCpu;

    private BenchOrchestrator(ServiceProvider services, string dataDirectory, int hostCount, Func<TimeSpan>? agentsCpu)
    {
        _services = services;
        _dataDirectory = dataDirectory;
        _hostCount = hostCount;
        _agentsCpu = agentsCpu;
        Engine = services.GetRequiredService<FleetEngine>();
    }

    public FleetEngine Engine { get; }

    /// <summary>An orchestrator over the agents of <paramref name="agents"/>, reached with gRPC: plaintext HTTP/2 (h2c) on
    /// loopback. Runs also report the agents process's CPU time.</summary>
    public static BenchOrchestrator OverGrpc(AgentFleetProcess agents, BenchOptions options) =>
        Create(agents.Agents.Select(a => new FleetHost { Name = a.Name, Address = a.Address }).ToList(),
            services => services.AddGrpcAgentConnector(configure: o => o.UseTls = false), () => agents.Cpu, options);

    /// <summary>An orchestrator over fake agents in this process (no network, no agent work).</summary>
    public static BenchOrchestrator OverConnector(IReadOnlyList<FleetHost> hosts, IAgentConnector connector, BenchOptions options) =>
        Create(hosts, services => services.AddSingleton(connector), agentsCpu: null, options);

    private static BenchOrchestrator Create(IReadOnlyList<FleetHost> hosts, Action<IServiceCollection> addConnector, Func<TimeSpan>? agentsCpu,
        BenchOptions options)
    {
        string dataDirectory = Directory.CreateTempSubdirectory("hvfleet-bench-orchestrator-").FullName;
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole());
        services.AddSingleton<IFleetInventory>(new StaticFleetInventory(hosts));
        services.AddSqliteOperationStore(configure: o => o.DataDirectory = dataDirectory);
        addConnector(services);
        services.AddFleetOrchestrator();
        if (options.PlanningParallelism > 0)
        {
            services.Configure<OrchestratorOptions>(o => o.PlanningParallelism = options.PlanningParallelism);
        }
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        // What the host's start does (OperationStoreInitializer); no hosted service runs here. Microsoft.Data.Sqlite
        // runs its async calls synchronously.
        provider.GetRequiredService<IOperationStore>().InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
        return new BenchOrchestrator(provider, dataDirectory, hosts.Count, agentsCpu);
    }

    /// <summary>A recovery snapshot of every VM group on every host, with no concurrency cap (one job per host, as
    /// the default policy says). Throws unless every task succeeded.</summary>
    public async Task<FanoutRun> SnapshotAsync(CancellationToken cancellationToken)
    {
        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var agentsBefore = _agentsCpu?.Invoke();
        var jitBefore = System.Runtime.JitInfo.GetCompilationTime();
        var clock = Stopwatch.StartNew();
        var started = await Engine.StartSnapshotAsync(new FleetSnapshotRequest { Hosts = HostSelector.Everything }, cancellationToken);
        if (!started.IsSuccess)
        {
            throw new InvalidOperationException($"StartFleetSnapshot refused: {started.Error}");
        }

        var final = await Engine.WaitAsync(started.Value!.Id, cancellationToken);
        clock.Stop();
        self.Refresh();
        var cpu = self.TotalProcessorTime - cpuBefore;
        var agentsCpu = _agentsCpu?.Invoke() - agentsBefore;
        var jit = System.Runtime.JitInfo.GetCompilationTime() - jitBefore;
        if (final is null || final.State != OperationState.Succeeded || final.Tasks.Count < _hostCount)
        {
            throw new InvalidOperationException($"the snapshot of {_hostCount} hosts ended {final?.State} with {final?.Tasks.Count} tasks: {final?.Message}");
        }

        return FanoutRun.From(final, clock.Elapsed, cpu, agentsCpu, jit);
    }

    /// <summary>ListHosts with a fresh probe of every host (gRPC health check, then GetHostInfo). Throws unless every
    /// host answered.</summary>
    public async Task<(TimeSpan Wall, TimeSpan Cpu, TimeSpan? AgentsCpu)> ProbeAsync(CancellationToken cancellationToken)
    {
        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var agentsBefore = _agentsCpu?.Invoke();
        var clock = Stopwatch.StartNew();
        var hosts = await Engine.ListHostsAsync(HostSelector.Everything, refresh: true, cancellationToken);
        clock.Stop();
        self.Refresh();
        if (hosts.Count != _hostCount || hosts.Any(h => h.Reachability != HostReachability.Reachable))
        {
            throw new InvalidOperationException($"ListHosts: {hosts.Count(h => h.Reachability == HostReachability.Reachable)} of {_hostCount} hosts reachable");
        }

        return (clock.Elapsed, self.TotalProcessorTime - cpuBefore, _agentsCpu?.Invoke() - agentsBefore);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }
}
