using System.Globalization;
using HvFleet.Orchestrator.Benchmarks.Agents;
using HvFleet.Orchestrator.Benchmarks.Fanout;

namespace HvFleet.Orchestrator.Benchmarks.Ansible;

/// <summary>The same no-op fan-out to N hosts with Ansible and with HvFleet, interleaved round by round in one run.</summary>
internal static class AnsibleComparison
{
    public static async Task RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        int hosts = options.AnsibleHosts;
        Console.WriteLine();
        Console.WriteLine($"== No-op fan-out to {hosts} hosts: Ansible's ping vs HvFleet, interleaved, medians of {options.AnsibleRuns} rounds");
        using var ansible = AnsiblePing.Create(hosts);
        if (ansible is null)
        {
            Console.WriteLine("skipped: no 'ansible' on the PATH (bench/fanout-bench.sh installs Debian's ansible package)");
            return;
        }

        Console.WriteLine($"ansible: {await ansible.VersionAsync(cancellationToken)}; `ansible all -i INV -m ping -f {hosts} -o`, {hosts} hosts with");
        Console.WriteLine("         ansible_connection=local (one Python module run per host, on this machine); the whole command's wall time,");
        Console.WriteLine("         CPU = its whole process tree.");
        Console.WriteLine($"hvfleet: {hosts} real lab agents (as above, L = 0) and the running orchestrator of this process:");
        Console.WriteLine("         snapshot = fleet recovery snapshot of every VM group (a real lab checkpoint of a 16 KiB disk on each");
        Console.WriteLine("                    host: more than a no-op; job stored on the agent, tasks in the orchestrator's SQLite store)");
        Console.WriteLine("         probe    = ListHosts with refresh: gRPC health check then GetHostInfo on every agent (the closest to");
        Console.WriteLine("                    ping: a round trip answered by code on the host)");
        Console.WriteLine("         Both on connections the orchestrator already holds, as a running orchestrator does; Ansible has no");
        Console.WriteLine("         daemon, so its figure includes starting the controller (Python) and connecting.");

        await using var agents = await AgentFleetProcess.StartAsync(hosts, TimeSpan.Zero, options, cancellationToken);
        await using var orchestrator = BenchOrchestrator.OverGrpc(agents, options);

        // Warm-up of all three: caches, .pyc files, connections.
        await ansible.PingAsync(hosts, cancellationToken);
        await orchestrator.SnapshotAsync(cancellationToken);
        await orchestrator.ProbeAsync(cancellationToken);

        var ansibleRuns = new List<(TimeSpan Wall, TimeSpan? Cpu)>();
        var snapshotRuns = new List<FanoutRun>();
        var probeRuns = new List<(TimeSpan Wall, TimeSpan Cpu, TimeSpan? AgentsCpu)>();
        for (int round = 0; round < options.AnsibleRuns; round++)
        {
            ansibleRuns.Add(await ansible.PingAsync(hosts, cancellationToken));
            snapshotRuns.Add(await orchestrator.SnapshotAsync(cancellationToken));
            probeRuns.Add(await orchestrator.ProbeAsync(cancellationToken));
        }

        double ansibleWall = GrpcFanoutTable.Median(ansibleRuns.Select(r => r.Wall.TotalSeconds));
        double snapshotWall = GrpcFanoutTable.Median(snapshotRuns.Select(r => r.Wall.TotalSeconds));
        double probeWall = GrpcFanoutTable.Median(probeRuns.Select(r => r.Wall.TotalSeconds));
        string ansibleCpu = ansibleRuns.All(r => r.Cpu is not null)
            ? GrpcFanoutTable.Median(ansibleRuns.Select(r => r.Cpu!.Value.TotalMilliseconds / hosts)).ToString("0.000", CultureInfo.InvariantCulture)
            : "n/a";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"",18} {"wall (s)",9} {"CPU ms/host",12} {"+ agents",9}   per round (s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"ansible ping",-18} {ansibleWall,9:0.000} {ansibleCpu,12} {"",9}   {Walls(ansibleRuns.Select(r => r.Wall))}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"hvfleet snapshot",-18} {snapshotWall,9:0.000} {GrpcFanoutTable.Median(snapshotRuns.Select(r => r.CpuMsPerTask)),12:0.000} {GrpcFanoutTable.Median(snapshotRuns.Select(r => r.CpuMsPerTask + r.AgentsCpuMsPerTask)),9:0.000}   {Walls(snapshotRuns.Select(r => r.Wall))}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"hvfleet probe",-18} {probeWall,9:0.000} {GrpcFanoutTable.Median(probeRuns.Select(r => r.Cpu.TotalMilliseconds / hosts)),12:0.000} {GrpcFanoutTable.Median(probeRuns.Select(r => (r.Cpu + r.AgentsCpu!.Value).TotalMilliseconds / hosts)),9:0.000}   {Walls(probeRuns.Select(r => r.Wall))}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ratio ansible / hvfleet: {ansibleWall / snapshotWall:0.0}x the snapshot's wall time, {ansibleWall / probeWall:0.0}x the probe's"));
        Console.WriteLine("CPU ms/host: ansible = its whole process tree; hvfleet = the orchestrator process, '+ agents' = plus the agents process");
    }

    private static string Walls(IEnumerable<TimeSpan> walls) =>
        string.Join(" ", walls.Select(w => w.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)));
}
