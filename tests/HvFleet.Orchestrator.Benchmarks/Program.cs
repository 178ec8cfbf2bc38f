using System.Diagnostics;
using System.Globalization;
using HvFleet.Orchestrator.Benchmarks;
using HvFleet.Orchestrator.Fanout;
using HvFleet.Orchestrator.Hosting;
using HvFleet.Orchestrator.Inventory;
using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Policy;
using HvFleet.Orchestrator.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

// Usage: dotnet run -c Release --project tests/HvFleet.Orchestrator.Benchmarks -- [latency-seconds] [N ...]
double latencySeconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 1.0;
int[] sizes = args.Length > 1 ? args[1..].Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [50, 200, 1000];
var latency = TimeSpan.FromSeconds(latencySeconds);

Console.WriteLine($"Fan-out overhead, in-process agents (no network), backend latency L = {latency.TotalSeconds:0.###} s, SQLite store, no concurrency cap");
Console.WriteLine($"{"N",6} {"wall (s)",10} {"wall/L",8} {"CPU ms/task",12}");
await RunAsync(10, latency, print: false); // warm-up: JIT, SQLite
foreach (int n in sizes)
{
    await RunAsync(n, latency, print: true);
}

return 0;

static async Task RunAsync(int hosts, TimeSpan latency, bool print)
{
    string dataDirectory = Directory.CreateTempSubdirectory("hvfleet-bench-").FullName;
    var agents = Enumerable.Range(1, hosts).ToDictionary(i => $"h{i:D4}", i => new LatencyAgent($"h{i:D4}", latency));
    var inventory = new StaticFleetInventory(agents.Keys.Select(n => new FleetHost { Name = n, Address = $"{n}:1" }).ToList());
    var services = new ServiceCollection().AddSqliteOperationStore(configure: o => o.DataDirectory = dataDirectory).BuildServiceProvider();
    var store = services.GetRequiredService<IOperationStore>();
    await using (var engine = new FleetEngine(inventory, new FleetConnector(agents), store, TimeProvider.System,
        Options.Create(new OrchestratorOptions { PlanningParallelism = 256 }), NullLogger<FleetEngine>.Instance))
    {
        await store.InitializeAsync(CancellationToken.None);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var started = await engine.StartSnapshotAsync(new SnapshotRequest
        {
            Hosts = HostSelector.Everything,
            Policy = new FleetPolicy { MaxJobsPerHost = 1 },
        }, CancellationToken.None);
        var final = await engine.WaitAsync(started.Value!.Id, CancellationToken.None);
        clock.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        if (final!.State != OperationState.Succeeded || final.Tasks.Count != hosts)
        {
            throw new InvalidOperationException($"run with {hosts} hosts ended {final.State} with {final.Tasks.Count} tasks");
        }

        if (print)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{hosts,6} {clock.Elapsed.TotalSeconds,10:0.000} {clock.Elapsed / latency,8:0.000} {cpu.TotalMilliseconds / hosts,12:0.000}"));
        }
    }

    await services.DisposeAsync();
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(dataDirectory, recursive: true);
}
