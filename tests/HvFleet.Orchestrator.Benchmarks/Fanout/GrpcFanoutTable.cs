using System.Globalization;
using HvFleet.Orchestrator.Benchmarks.Agents;

namespace HvFleet.Orchestrator.Benchmarks.Fanout;

/// <summary>The issue's figure: fan-out to N real lab agents over loopback gRPC with backend latency L.</summary>
internal static class GrpcFanoutTable
{
    /// <summary>wall/L allowed at the largest fleet (issue 5, "Benchmarks").</summary>
    public const double WallTarget = 1.10;

    /// <summary>Orchestrator CPU per host-task allowed, in ms.</summary>
    public const double CpuTarget = 2.0;

    public static async Task RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        double latency = options.Latency.TotalSeconds;
        Console.WriteLine();
        Console.WriteLine($"== Fan-out to N real lab agents over loopback gRPC, backend latency L = {latency:0.###} s");
        Console.WriteLine("agents: complete hvfleet agents (AgentHost.Build: each its own Kestrel listener on its own 127.0.0.1 port,");
        Console.WriteLine("        DI container, SQLite job store, job engine, lab directory with 1 VM group of 1 VM, audit log), all N in");
        Console.WriteLine("        one child process; L is the lab's injected delay at the start of each snapshot. Plaintext h2c on");
        Console.WriteLine("        loopback: TLS handshakes are not measured.");
        Console.WriteLine("orchestrator: this process only: FleetEngine (default options), gRPC agent connector (one channel, so one");
        Console.WriteLine("        HTTP/2 connection, per agent), SQLite store. Operation: recovery snapshot of every VM group, default");
        Console.WriteLine("        policy (no concurrency cap, 1 job per host). wall = StartFleetSnapshot to the stored final state;");
        Console.WriteLine("        CPU = this process's CPU time over the run / tasks ('agents CPU': the agents process's, per task).");
        Console.WriteLine("        'cold' = the first operation (connects to every");
        Console.WriteLine($"        agent); the other columns are medians of {options.Runs} runs that follow it on the same connections.");
        Console.WriteLine("        plan/last start/first done/last done: seconds after the operation was created (its own timestamps).");

        await WarmUpAsync(cancellationToken);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"N",6} {"agents up",10} {"agents RSS",11} {"cold wall",10} {"cold w/L",9} {"wall (s)",9} {"wall/L",7} {"CPU ms/task",12} {"agents CPU",11} {"plan",6} {"last start",11} {"first done",11} {"last done",10} {"retries",8}"));
        var rows = new List<(int Hosts, double WallOverL, double CpuMs)>();
        foreach (int hosts in options.Hosts)
        {
            await using var agents = await AgentFleetProcess.StartAsync(hosts, options.Latency, cancellationToken);
            await using var orchestrator = BenchOrchestrator.OverGrpc(agents);
            var cold = await orchestrator.SnapshotAsync(cancellationToken);
            var runs = new List<FanoutRun>();
            for (int r = 0; r < options.Runs; r++)
            {
                runs.Add(await orchestrator.SnapshotAsync(cancellationToken));
            }

            var median = runs.OrderBy(r => r.Wall).ElementAt(runs.Count / 2);
            double cpuMs = Median(runs.Select(r => r.CpuMsPerTask));
            rows.Add((hosts, median.Wall.TotalSeconds / latency, cpuMs));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{hosts,6} {agents.StartSeconds,9:0.0}s {agents.WorkingSetMiB,7:0} MiB {cold.Wall.TotalSeconds,10:0.000} {cold.Wall.TotalSeconds / latency,9:0.000} {median.Wall.TotalSeconds,9:0.000} {median.Wall.TotalSeconds / latency,7:0.000} {cpuMs,12:0.000} {Median(runs.Select(r => r.AgentsCpuMsPerTask)),11:0.000} {median.Planned,6:0.000} {median.LastStarted,11:0.000} {median.FirstDone,11:0.000} {median.LastDone,10:0.000} {runs.Sum(r => r.Retries) + cold.Retries,8}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{"",6} runs: wall/L {string.Join(" ", runs.Select(r => (r.Wall.TotalSeconds / latency).ToString("0.000", CultureInfo.InvariantCulture)))}; CPU ms/task {string.Join(" ", runs.Select(r => r.CpuMsPerTask.ToString("0.000", CultureInfo.InvariantCulture)))} (cold: {cold.CpuMsPerTask:0.000})"));
        }

        var largest = rows.MaxBy(r => r.Hosts);
        var worstCpu = rows.MaxBy(r => r.CpuMs);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"target wall/L <= {WallTarget:0.00} at N = {largest.Hosts}: {largest.WallOverL:0.000} -> {(largest.WallOverL <= WallTarget ? "met" : "NOT met")}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"target CPU <= {CpuTarget:0.0} ms per host-task: worst {worstCpu.CpuMs:0.000} ms (N = {worstCpu.Hosts}) -> {(worstCpu.CpuMs <= CpuTarget ? "met" : "NOT met")}"));
    }

    /// <summary>JIT and first-use costs of the orchestrator, not measured: a small fleet, a few operations.</summary>
    private static async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        await using var agents = await AgentFleetProcess.StartAsync(20, TimeSpan.FromMilliseconds(50), cancellationToken);
        await using var orchestrator = BenchOrchestrator.OverGrpc(agents);
        for (int i = 0; i < 3; i++)
        {
            await orchestrator.SnapshotAsync(cancellationToken);
            await orchestrator.ProbeAsync(cancellationToken);
        }

        Console.WriteLine("warm-up done: 20 agents, 3 snapshots and 3 probes (not measured)");
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
