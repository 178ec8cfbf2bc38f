using System.Diagnostics;
using HvFleet.Benchmarks.Jobs;
using HvFleet.Agent.Jobs;
using HvFleet.Hypervisors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

// Figures for the job engine alone (no RPC): run with
//   dotnet run -c Release --project tests/HvFleet.Benchmarks.Jobs [-- jobs=500 events=5000 watchers=1000] [--quick]
// --quick (the test command's smoke run) uses 50 jobs, 500 events and 100 watchers unless given.
var quick = args.Contains("--quick");
var settings = args.Where(a => a != "--quick").Select(a => a.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
var jobCount = settings.GetValueOrDefault("jobs", quick ? 50 : 500);
var eventCount = settings.GetValueOrDefault("events", quick ? 500 : 5000);
var watcherCount = settings.GetValueOrDefault("watchers", quick ? 100 : 1000);

var directory = Path.Combine(Path.GetTempPath(), "hvfleet-bench-" + Guid.NewGuid().ToString("N"));
try
{
    Console.WriteLine($"HvFleet job engine benchmark: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
    await ThroughputAsync(directory, jobCount);
    await ProgressLatencyAsync(directory, eventCount);
    await FanOutAsync(directory, watcherCount);
}
finally
{
    Directory.Delete(directory, recursive: true);
}

return 0;

static (JobManager Manager, SqliteJobStore Store, BenchHypervisor Hypervisor) Open(string directory, string name, Action<JobOptions>? configure = null, bool syncEveryCommit = true)
{
    var options = new JobOptions { MaxQueuedJobs = 100_000, WatcherBufferCapacity = 16 };
    configure?.Invoke(options);
    var store = new SqliteJobStore(Options.Create(new SqliteJobStoreOptions { DataDirectory = Path.Combine(directory, name), SyncEveryCommit = syncEveryCommit }), NullLogger<SqliteJobStore>.Instance);
    var hypervisor = new BenchHypervisor();
    var manager = new ServiceCollection()
        .AddLogging()
        .AddSingleton<IJobStore>(store)
        .AddSingleton<IHypervisor>(hypervisor)
        .AddSingleton(Options.Create(options))
        .AddSingleton(TimeProvider.System)
        .AddJobEngineParts()
        .BuildServiceProvider()
        .GetRequiredService<JobManager>();
    return (manager, store, hypervisor);
}

static async Task ThroughputAsync(string directory, int count)
{
    foreach (var (limit, sync) in new[] { (2, true), (8, true), (2, false), (8, false) })
    {
        var label = $"{limit} snapshots at once, synchronous={(sync ? "FULL" : "NORMAL")}";
        var (manager, store, _) = Open(directory, $"throughput-{limit}-{sync}", o => o.MaxConcurrentSnapshots = limit, sync);
        await manager.RecoverAsync(CancellationToken.None);
        var stopwatch = Stopwatch.StartNew();
        var ids = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var started = await manager.StartAsync(new CreateSnapshotJobSpec(new SnapshotRequest(SnapshotTarget.Collection("g" + i), SnapshotKind.Recovery, null)), "req-" + i, CancellationToken.None);
            ids.Add(started.Job!.Id);
        }

        foreach (var id in ids)
        {
            await foreach (var _ in manager.WatchAsync(id, CancellationToken.None))
            {
            }
        }

        stopwatch.Stop();
        var completed = (await store.ListAsync(JobState.Completed, count, CancellationToken.None)).Count;
        Console.WriteLine($"throughput, {label}: {count} snapshot jobs (insert + running + completed writes) in {stopwatch.Elapsed.TotalMilliseconds:F0} ms = {count / stopwatch.Elapsed.TotalSeconds:F0} jobs/s; {completed} completed");
        manager.Dispose();
        store.Dispose();
    }
}

static async Task ProgressLatencyAsync(string directory, int events)
{
    var (manager, store, hypervisor) = Open(directory, "latency");
    hypervisor.Hold = true;
    await manager.RecoverAsync(CancellationToken.None);
    var job = (await manager.StartAsync(new DeleteSnapshotJobSpec("s"), null, CancellationToken.None)).Job!;
    var observer = await hypervisor.ObserverAsync;
    await using var watch = manager.WatchAsync(job.Id, CancellationToken.None).GetAsyncEnumerator();
    while (await watch.MoveNextAsync() && watch.Current.State != JobState.Running)
    {
    }

    // Ping-pong: report one change, wait for the watcher to see it, so each sample is one event's
    // path from the backend's ReportProgress to the watcher's MoveNextAsync, without queueing.
    var samples = new double[events];
    for (var i = 0; i < events; i++)
    {
        var sent = Stopwatch.GetTimestamp();
        observer.ReportProgress(new HypervisorProgress(i % 100, i + 1, events));
        if (!await watch.MoveNextAsync() || watch.Current.BytesDone != i + 1)
        {
            throw new InvalidOperationException("The watcher missed an event.");
        }

        samples[i] = Stopwatch.GetElapsedTime(sent).TotalMicroseconds;
    }

    hypervisor.Finish();
    Array.Sort(samples);
    Console.WriteLine($"progress event latency, backend -> watcher, {events} events: p50 {Percentile(samples, 0.50):F1} us, p99 {Percentile(samples, 0.99):F1} us, max {samples[^1]:F1} us");
    manager.Dispose();
    store.Dispose();
}

static async Task FanOutAsync(string directory, int watchers)
{
    var (manager, store, hypervisor) = Open(directory, "fanout");
    hypervisor.Hold = true;
    await manager.RecoverAsync(CancellationToken.None);
    var job = (await manager.StartAsync(new DeleteSnapshotJobSpec("s"), null, CancellationToken.None)).Job!;
    var observer = await hypervisor.ObserverAsync;
    await using (var first = manager.WatchAsync(job.Id, CancellationToken.None).GetAsyncEnumerator())
    {
        while (await first.MoveNextAsync() && first.Current.State != JobState.Running)
        {
        }
    }

    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
    var before = GC.GetTotalMemory(forceFullCollection: true);
    var enumerators = new List<IAsyncEnumerator<AgentJob>>(watchers);
    for (var i = 0; i < watchers; i++)
    {
        var enumerator = manager.WatchAsync(job.Id, CancellationToken.None).GetAsyncEnumerator();
        await enumerator.MoveNextAsync();
        enumerators.Add(enumerator);
    }

    var after = GC.GetTotalMemory(forceFullCollection: true);
    var received = new Task<bool>[watchers];
    var sent = Stopwatch.GetTimestamp();
    observer.ReportProgress(new HypervisorProgress(50, 1, 2));
    for (var i = 0; i < watchers; i++)
    {
        received[i] = enumerators[i].MoveNextAsync().AsTask();
    }

    await Task.WhenAll(received);
    var fanOut = Stopwatch.GetElapsedTime(sent);
    hypervisor.Finish();
    var terminal = 0;
    foreach (var enumerator in enumerators)
    {
        while (await enumerator.MoveNextAsync())
        {
            terminal += enumerator.Current.State == JobState.Completed ? 1 : 0;
        }

        await enumerator.DisposeAsync();
    }

    Console.WriteLine($"{watchers} watchers on one job: {(after - before) / 1024.0:F0} KiB managed heap ({(after - before) / (double)watchers:F0} bytes each); one event reaches all in {fanOut.TotalMilliseconds:F2} ms; {terminal}/{watchers} got the terminal state");
    manager.Dispose();
    store.Dispose();
}

static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
