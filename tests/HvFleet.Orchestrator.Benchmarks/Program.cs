using System.Globalization;
using HvFleet.Orchestrator.Benchmarks;
using HvFleet.Orchestrator.Benchmarks.Agents;
using HvFleet.Orchestrator.Benchmarks.Ansible;
using HvFleet.Orchestrator.Benchmarks.Fanout;
using HvFleet.Orchestrator.Benchmarks.InProcess;

// Fan-out benchmark (not a test). bench/fanout-bench.sh builds it, installs Ansible and runs it; see BenchOptions.Usage.
// "agents COUNT LATENCY-SECONDS DIR MIN-THREADS" is the child process that hosts the lab agents (AgentFleetProcess starts it).
if (args is ["agents", var count, var latency, var root, var minThreads])
{
    return await LabAgentFleet.ServeAsync(int.Parse(count, CultureInfo.InvariantCulture),
        TimeSpan.FromSeconds(double.Parse(latency, CultureInfo.InvariantCulture)), root, int.Parse(minThreads, CultureInfo.InvariantCulture));
}

var (options, errors) = BenchOptions.Parse(args);
if (options is null)
{
    foreach (string error in errors)
    {
        await Console.Error.WriteLineAsync(error);
    }

    await Console.Error.WriteLineAsync(BenchOptions.Usage);
    return 2;
}

if (options.MinThreads > 0)
{
    ThreadPool.GetMinThreads(out _, out int io);
    ThreadPool.SetMinThreads(options.MinThreads, Math.Max(io, options.MinThreads));
}

ThreadPool.GetMinThreads(out int workers, out _);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"HvFleet fan-out benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {Machine.LoadAverage()}, " +
    $"{(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, thread pool min {workers} workers"));
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

if (options.Grpc)
{
    await GrpcFanoutTable.RunAsync(options, cancel.Token);
}

if (options.Ansible)
{
    await AnsibleComparison.RunAsync(options, cancel.Token);
}

if (options.InProcess)
{
    await InProcessTable.RunAsync(options, cancel.Token);
}

Console.WriteLine();
Console.WriteLine($"load average at the end: {Machine.LoadAverage()}");
return 0;
