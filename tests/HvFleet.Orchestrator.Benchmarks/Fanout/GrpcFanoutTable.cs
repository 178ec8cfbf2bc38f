using System.Globalization;
using HvFleet.Orchestrator.Benchmarks.Agents;

namespace HvFleet.Orchestrator.Benchmarks.Fanout;

/// <summary>The issue's figure: fan-out to N real lab agents over loopback gRPC with backend latency L.</summary>
internal static class GrpcFanoutTable
{
    /// <summary>wall/L allowed at the largest fleet (issue 5, "Benchmarks").</summary>
    public const double WallTarget = 1.10;

    /// <summary>The fleet size <see cref="WallTarget"/> applies to.</summary>
    public const int TargetHosts = 1000;

    /// <summary>Orchestrator CPU per host-task allowed, in ms.</summary>
    public const double CpuTarget = 2.0;

    /// <summary>Operations run by a throw-away orchestrator on a fresh agents process before anything is measured.</summary>
    private const int AgentPrimers = 3;

    public static async Task RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        double latency = options.Latency.TotalSeconds;
        Console.WriteLine();
        Console.WriteLine($"== Fan-out to N real lab agents over loopback gRPC, backend latency L = {latency:0.###} s");
        Console.WriteLine("agents: complete hvfleet agents (AgentHost.Build: each its own Kestrel listener on its own 127.0.0.1 port,");
        Console.WriteLine("        DI container, SQLite job store, job engine, lab with 1 VM group of 1 VM and a 16 KiB disk, audit log),");
        Console.WriteLine("        all N in one child process (the agent's runtime settings); L is the lab's injected delay at the start");
        Console.WriteLine($"        of each snapshot. Data in {options.AgentsDirectory} ({Machine.FileSystemType(options.AgentsDirectory)}); thread pool minimum: " +
            (options.AgentsMinThreads > 0 ? options.AgentsMinThreads.ToString(CultureInfo.InvariantCulture) : "the runtime's") + ".");
        Console.WriteLine("        The per-caller limit of 120 mutating calls a minute is lifted (the warm-up makes more).");
        Console.WriteLine("        Plaintext h2c on loopback: TLS handshakes are not measured.");
        Console.WriteLine("orchestrator: this process: FleetEngine (default options), gRPC agent connector (one channel, so one HTTP/2");
        Console.WriteLine("        connection, per agent), SQLite store. Operation: recovery snapshot of every VM group (1 task per host),");
        Console.WriteLine("        default policy: no concurrency cap. wall = StartFleetSnapshot to the stored final state.");
        Console.WriteLine("        CPU ms/task = this process's CPU time over the run / tasks; agents ms/task = the agents process's.");
        Console.WriteLine($"        cpu s = both processes' CPU seconds per run: work that shares this machine's {Environment.ProcessorCount} cores (and the");
        Console.WriteLine("        other load on them); most of it is done after L, when the snapshots and their streams complete.");
        Console.WriteLine($"        A fresh agents process is primed by {AgentPrimers} operations of a throw-away orchestrator (agent JIT, lab");
        Console.WriteLine("        seeding). 'cold' = the first operation of a new orchestrator (engine, connector, store) in this");
        Console.WriteLine("        warmed-up process: it opens the connection to every agent. The other columns are the medians of");
        Console.WriteLine($"        {options.Runs} runs that follow on the same connections. plan / last start / first done / last done:");
        Console.WriteLine("        seconds after the operation was created, from its own timestamps (median run). The \"agents' clock\"");
        Console.WriteLine("        line reads the agents' job timestamps back after the runs (GetJob) and sets them beside the tasks':");
        Console.WriteLine("        when the agents created and finished the jobs, task start -> job created (request delivered, job");
        Console.WriteLine("        stored by the agent), job finished -> task finished (terminal event sent, received and handled).");

        await WarmUpAsync(options, cancellationToken);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"N",5} {"agents up",9} {"RSS MiB",7} {"cold w/L",8} {"wall (s)",8} {"wall/L",7} {"CPU ms/task",11} {"agents ms/task",14} {"cpu s",6} {"plan",6} {"last start",10} {"first done",10} {"last done",9} {"retries",7}"));
        var rows = new List<(int Hosts, double WallOverL, double CpuMs)>();
        foreach (int hosts in options.Hosts)
        {
            await using var agents = await AgentFleetProcess.StartAsync(hosts, options.Latency, options, cancellationToken);
            await using (var primer = BenchOrchestrator.OverGrpc(agents, options))
            {
                for (int i = 0; i < AgentPrimers; i++)
                {
                    await primer.SnapshotAsync(cancellationToken);
                }
            }

            await using var orchestrator = BenchOrchestrator.OverGrpc(agents, options);
            var cold = await orchestrator.SnapshotAsync(cancellationToken);
            var runs = new List<FanoutRun>();
            for (int r = 0; r < options.Runs; r++)
            {
                runs.Add(await orchestrator.SnapshotAsync(cancellationToken));
            }

            var median = runs.OrderBy(r => r.Wall).ElementAt(runs.Count / 2);
            double cpuMs = Median(runs.Select(r => r.CpuMsPerTask));
            double agentsMs = Median(runs.Select(r => r.AgentsCpuMsPerTask));
            rows.Add((hosts, median.Wall.TotalSeconds / latency, cpuMs));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{hosts,5} {agents.StartSeconds,8:0.0}s {agents.WorkingSetMiB,7:0} {cold.Wall.TotalSeconds / latency,8:0.000} {median.Wall.TotalSeconds,8:0.000} {median.Wall.TotalSeconds / latency,7:0.000} {cpuMs,11:0.000} {agentsMs,14:0.000} {(cpuMs + agentsMs) * hosts / 1000,6:0.00} {median.Planned,6:0.000} {median.LastStarted,10:0.000} {median.FirstDone,10:0.000} {median.LastDone,9:0.000} {runs.Sum(r => r.Retries) + cold.Retries,7}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{"",5} runs: wall/L {string.Join(" ", runs.Select(r => (r.Wall.TotalSeconds / latency).ToString("0.000", CultureInfo.InvariantCulture)))}; CPU ms/task {string.Join(" ", runs.Select(r => r.CpuMsPerTask.ToString("0.000", CultureInfo.InvariantCulture)))} (JIT ms {string.Join(" ", runs.Select(r => r.Jit.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)))}); cold: {cold.Wall.TotalSeconds:0.000} s, plan {cold.Planned:0.000} s, CPU {cold.CpuMsPerTask:0.000} ms/task"));
            var addresses = agents.Agents.ToDictionary(a => a.Name, a => a.Address, StringComparer.OrdinalIgnoreCase);
            Console.WriteLine($"{"",5} {await AgentJobTimes.ReadAsync(median.Operation, addresses, cancellationToken)}");
        }

        var largest = rows.MaxBy(r => r.Hosts);
        var worstCpu = rows.MaxBy(r => r.CpuMs);
        string verdict = largest.Hosts < TargetHosts ? $"not measured (largest N here: {largest.Hosts}, wall/L {largest.WallOverL:0.000})"
            : $"{largest.WallOverL:0.000} -> {(largest.WallOverL <= WallTarget ? "met" : "NOT met")}";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"target wall/L <= {WallTarget:0.00} at N = {TargetHosts}: {verdict}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"target orchestrator CPU <= {CpuTarget:0.0} ms per host-task: worst {worstCpu.CpuMs:0.000} ms (N = {worstCpu.Hosts}) -> {(worstCpu.CpuMs <= CpuTarget ? "met" : "NOT met")}"));
    }

    /// <summary>
    /// JIT and first-use costs of the orchestrator, not measured. Tiered compilation recompiles a method once it has
    /// been called 30 times, in the background, and that CPU is charged to the process: code that runs once per
    /// operation is only recompiled around the 30th operation, and the first operations cost 10-30 times the steady
    /// state per task. A running orchestrator is long past this, so operations run until the JIT is quiet; then new
    /// orchestrators connect again a few times (connection setup is its own code, recompiled once it has run 30 times:
    /// the "cold" runs below would otherwise pay for it in the runs after them).
    /// </summary>
    private static async Task WarmUpAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        const int Hosts = 50;
        const int MinOperations = 40;
        const int MaxOperations = 120;
        var quiet = TimeSpan.FromMilliseconds(2);
        await using var agents = await AgentFleetProcess.StartAsync(Hosts, TimeSpan.FromMilliseconds(50), options, cancellationToken);
        await using var orchestrator = BenchOrchestrator.OverGrpc(agents, options);
        var runs = new List<FanoutRun>();
        while (runs.Count < MaxOperations
            && (runs.Count < MinOperations || runs.TakeLast(3).Any(r => r.Jit > quiet)))
        {
            runs.Add(await orchestrator.SnapshotAsync(cancellationToken));
            await orchestrator.ProbeAsync(cancellationToken);
        }

        for (int i = 0; i < 4; i++)
        {
            await using var reconnecting = BenchOrchestrator.OverGrpc(agents, options);
            runs.Add(await reconnecting.SnapshotAsync(cancellationToken));
            runs.Add(await reconnecting.SnapshotAsync(cancellationToken));
        }

        // Call counting only starts once no new method has been compiled for a while: an idle pause, as the 1 s
        // operations below have, lets the last promotions happen here rather than in the first measured run.
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        for (int i = 0; i < 10; i++)
        {
            runs.Add(await orchestrator.SnapshotAsync(cancellationToken));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"warm-up (not measured): {Hosts} agents, L = 50 ms, {runs.Count} snapshots (and probes) until the JIT was quiet, 4 reconnections, a pause, 10 more; orchestrator CPU ms/task {runs[0].CpuMsPerTask:0.00} in the first (JIT {runs[0].Jit.TotalMilliseconds:0} ms), {runs[^1].CpuMsPerTask:0.00} in the last (JIT {runs[^1].Jit.TotalMilliseconds:0} ms)"));
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
