using System.Globalization;
using HvFleet.Orchestrator.Benchmarks.Fanout;
using HvFleet.Orchestrator.Inventory;

namespace HvFleet.Orchestrator.Benchmarks.InProcess;

/// <summary>The engine alone: the same orchestrator over fake agents in this process (no network, no agent work), so
/// what the gRPC table adds on top of it is transport and agents.</summary>
internal static class InProcessTable
{
    public static async Task RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        double latency = options.Latency.TotalSeconds;
        Console.WriteLine();
        Console.WriteLine($"== Engine alone: N in-process fake agents (no network; each job is a {latency:0.###} s delay), same orchestrator, medians of {options.Runs} runs");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"N",6} {"wall (s)",10} {"wall/L",8} {"CPU ms/task",12} {"plan",6} {"last start",11} {"last done",10}"));
        await RunSizeAsync(20, options, cancellationToken); // warm-up
        foreach (int hosts in options.Hosts)
        {
            var runs = await RunSizeAsync(hosts, options, cancellationToken);
            var median = runs.OrderBy(r => r.Wall).ElementAt(runs.Count / 2);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{hosts,6} {median.Wall.TotalSeconds,10:0.000} {median.Wall.TotalSeconds / latency,8:0.000} {GrpcFanoutTable.Median(runs.Select(r => r.CpuMsPerTask)),12:0.000} {median.Planned,6:0.000} {median.LastStarted,11:0.000} {median.LastDone,10:0.000}"));
        }
    }

    private static async Task<List<FanoutRun>> RunSizeAsync(int hosts, BenchOptions options, CancellationToken cancellationToken)
    {
        var agents = Enumerable.Range(1, hosts).ToDictionary(i => $"h{i:D4}", i => new LatencyAgent($"h{i:D4}", options.Latency));
        var inventory = agents.Keys.Select(n => new FleetHost { Name = n, Address = $"{n}:1" }).ToList();
        await using var orchestrator = BenchOrchestrator.OverConnector(inventory, new FleetConnector(agents), options);
        var runs = new List<FanoutRun>();
        for (int r = 0; r < options.Runs; r++)
        {
            runs.Add(await orchestrator.SnapshotAsync(cancellationToken));
        }

        return runs;
    }
}
