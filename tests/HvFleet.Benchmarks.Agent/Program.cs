using HvFleet.Security.Clients;
using System.Diagnostics;
using System.Globalization;
using Grpc.Health.V1;
using HvFleet.Agent.Hosting;
using HvFleet.Benchmarks.Agent;
using HvFleet.Hypervisors;
using HvFleet.Protos.Agent.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

// Usage: dotnet run -c Release --project tests/HvFleet.Benchmarks.Agent -- [--agent PATH-TO-hvfleet-agent] [--quick]
var quick = args.Contains("--quick");
var agentPath = ArgValue("--agent") ?? FindAgentExecutable();
Console.WriteLine($"HvFleet agent benchmarks ({Environment.ProcessorCount} cores, load {LoadAverage()})");

await StartupAndIdleRssAsync(agentPath, quick ? 3 : 7);
await SnapshotsPerSecondAsync(quick ? 60 : 300);
await ProgressLatencyAsync(quick ? 500 : 3000);
await WatchersMemoryAsync(quick ? 200 : 1000);
return 0;

static async Task StartupAndIdleRssAsync(string agentPath, int runs)
{
    Console.WriteLine();
    Console.WriteLine($"== start-to-serving and idle RSS of the real executable ({agentPath}), {runs} runs");
    var data = Directory.CreateTempSubdirectory("hvfleet-bench-agent-").FullName;
    var startup = new List<double>();
    var rss = new List<double>();
    for (var run = 0; run <= runs; run++)
    {
        var port = FreePort();
        var start = new ProcessStartInfo(agentPath, ["--listen", $"127.0.0.1:{port}", "--insecure-loopback-tcp", "--insecure-loopback-role", "admin", "--data-dir", data, "--lab-disk-size", "1048576"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        using var channel = FleetChannels.Create($"http://127.0.0.1:{port}");
        var health = new Health.HealthClient(channel);
        while (true)
        {
            try
            {
                var status = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(1));
                if (status.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    break;
                }
            }
            catch (RpcException)
            {
            }

            if (stopwatch.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("agent did not become SERVING in 60 s");
            }

            await Task.Delay(2);
        }

        var serving = stopwatch.Elapsed.TotalMilliseconds;
        await Task.Delay(TimeSpan.FromSeconds(3));
        var rssMb = ReadRssMb(process.Id);
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();

        // Run 0 seeds the lab directory and warms the disk cache; it is reported apart.
        if (run == 0)
        {
            Console.WriteLine($"first start (seeds the lab): {serving:F0} ms to SERVING, idle RSS {rssMb:F1} MB");
            continue;
        }

        startup.Add(serving);
        rss.Add(rssMb);
    }

    Console.WriteLine($"start-to-serving: median {Median(startup):F0} ms, min {startup.Min():F0} ms, max {startup.Max():F0} ms (target <= 500 ms)");
    Console.WriteLine($"idle RSS: median {Median(rss):F1} MB, max {rss.Max():F1} MB (target <= 40 MB)");
    Directory.Delete(data, recursive: true);
}

static async Task SnapshotsPerSecondAsync(int count)
{
    Console.WriteLine();
    Console.WriteLine($"== snapshots/s, lab backend with zero injected latency, {count} snapshots of 3 groups (1 MiB disks), limit 2 at once");
    await using var agent = await BenchAgent.StartAsync(new Dictionary<string, string?> { ["Lab:SeedDiskSizeBytes"] = "1048576", ["Lab:GuestIoEnabled"] = "false", ["Jobs:MaxQueuedJobs"] = "100000" });
    var groups = (await agent.Client.ListCollectionsAsync(new ListCollectionsRequest())).Collections;
    var stopwatch = Stopwatch.StartNew();
    var tasks = Enumerable.Range(0, count).Select(async i =>
    {
        using var call = agent.Client.CreateSnapshot(new CreateSnapshotRequest { CollectionId = groups[i % groups.Count].Id, SnapshotType = SnapshotType.Recovery });
        JobEvent? last = null;
        await foreach (var e in call.ResponseStream.ReadAllAsync())
        {
            last = e;
        }

        return last!.Job.State;
    }).ToList();
    var states = await Task.WhenAll(tasks);
    stopwatch.Stop();
    var completed = states.Count(s => s == JobState.Completed);
    Console.WriteLine($"{completed}/{count} completed in {stopwatch.Elapsed.TotalSeconds:F2} s: {completed / stopwatch.Elapsed.TotalSeconds:F1} snapshots/s");
}

static async Task ProgressLatencyAsync(int reports)
{
    Console.WriteLine();
    Console.WriteLine($"== progress-event latency, backend report -> client receipt over loopback gRPC, {reports} reports 1 ms apart");
    var probe = new ProbeHypervisor(reports, TimeSpan.FromMilliseconds(1), null);
    await using var agent = await BenchAgent.StartAsync([], probe);
    using var call = agent.Client.CreateSnapshot(new CreateSnapshotRequest { CollectionId = ProbeHypervisor.CollectionId, SnapshotType = SnapshotType.Recovery });
    var latencies = new List<double>();
    await foreach (var e in call.ResponseStream.ReadAllAsync())
    {
        var now = Stopwatch.GetTimestamp();
        if (e.Job.State == JobState.Running && long.TryParse(e.Job.StatusText, NumberStyles.None, CultureInfo.InvariantCulture, out var stamp))
        {
            latencies.Add((now - stamp) * 1000.0 / Stopwatch.Frequency);
        }
    }

    latencies.Sort();
    Console.WriteLine($"{latencies.Count}/{reports} progress events received; latency p50 {Percentile(latencies, 0.50):F3} ms, p99 {Percentile(latencies, 0.99):F3} ms, max {latencies[^1]:F3} ms (target p99 <= 5 ms)");
}

static async Task WatchersMemoryAsync(int watchers)
{
    Console.WriteLine();
    Console.WriteLine($"== memory with {watchers} concurrent WatchJob streams on one running job");
    var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    var probe = new ProbeHypervisor(10, TimeSpan.FromMilliseconds(1), hold);
    await using var agent = await BenchAgent.StartAsync([], probe);
    using var creator = agent.Client.CreateSnapshot(new CreateSnapshotRequest { CollectionId = ProbeHypervisor.CollectionId, SnapshotType = SnapshotType.Recovery });
    Assert(await creator.ResponseStream.MoveNext(default), "no first event");
    var jobId = creator.ResponseStream.Current.Job.Id;
    var before = Snapshot();
    var calls = new List<AsyncServerStreamingCall<JobEvent>>();
    for (var i = 0; i < watchers; i++)
    {
        calls.Add(agent.Client.WatchJob(new WatchJobRequest { JobId = jobId }));
    }

    foreach (var call in calls)
    {
        Assert(await call.ResponseStream.MoveNext(default), "watcher got no current state");
    }

    var during = Snapshot();
    hold.SetResult();
    var terminal = 0;
    foreach (var call in calls)
    {
        JobEvent? last = null;
        await foreach (var e in call.ResponseStream.ReadAllAsync())
        {
            last = e;
        }

        terminal += last?.Job.State == JobState.Completed ? 1 : 0;
        call.Dispose();
    }

    Console.WriteLine($"process (agent + client in one process): before {before}; with {watchers} open streams {during}");
    Console.WriteLine($"{terminal}/{watchers} watchers received the terminal state");
}

static string Snapshot()
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
    return $"GC heap {GC.GetTotalMemory(true) / 1048576.0:F1} MB, RSS {ReadRssMb(Environment.ProcessId):F1} MB";
}

static double ReadRssMb(int pid)
{
    foreach (var line in File.ReadLines($"/proc/{pid}/status"))
    {
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
        {
            return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
    }

    return double.NaN;
}

static double Median(List<double> values) => Percentile([.. values.Order()], 0.5);

static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

static int FreePort()
{
    using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

static void Assert(bool condition, string message)
{
    if (!condition)
    {
        throw new InvalidOperationException(message);
    }
}

string? ArgValue(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

static string FindAgentExecutable()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        var candidate = Path.Combine(dir.FullName, "agent", "HvFleet.Agent", "bin", "Release", "net10.0", "hvfleet-agent");
        if (File.Exists(candidate))
        {
            return candidate;
        }
    }

    throw new FileNotFoundException("Build the agent first: dotnet build agent/HvFleet.Agent -c Release (or pass --agent PATH)");
}

/// <summary>An in-process agent (the executable's host) on a free loopback port.</summary>
internal sealed class BenchAgent : IAsyncDisposable
{
    private readonly Microsoft.AspNetCore.Builder.WebApplication _app;
    private readonly string _data;

    private BenchAgent(Microsoft.AspNetCore.Builder.WebApplication app, string data, Uri address)
    {
        _app = app;
        _data = data;
        Channel = FleetChannels.Create(address);
        Client = new HostAgent.HostAgentClient(Channel);
    }

    public GrpcChannel Channel { get; }

    public HostAgent.HostAgentClient Client { get; }

    public static async Task<BenchAgent> StartAsync(Dictionary<string, string?> settings, IHypervisor? hypervisor = null)
    {
        var data = Directory.CreateTempSubdirectory("hvfleet-bench-").FullName;
        settings["Agent:Listen"] = "127.0.0.1:0";
        settings["Agent:InsecureLoopbackTcp"] = "true";
        settings["Agent:InsecureLoopbackRole"] = "admin";
        settings["Agent:DataDirectory"] = data;
        settings["Logging:LogLevel:Default"] = "Warning";

        // The benchmark is one caller measuring the engine, not the abuse limits: lift the per-caller
        // stream and mutating-call limits (as the fuzz run does) so hundreds of concurrent calls reach it.
        settings.TryAdd("Security:Limits:MaxConcurrentStreamsPerCaller", "100000");
        settings.TryAdd("Security:Limits:MaxMutatingCallsPerMinute", "100000000");
        var app = AgentHost.Build(settings, configureServices: services =>
        {
            if (hypervisor is not null)
            {
                services.AddSingleton(hypervisor);
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new BenchAgent(app, data, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }
}
