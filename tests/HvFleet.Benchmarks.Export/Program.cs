using System.Diagnostics;
using HvFleet.Benchmarks.Export;
using HvFleet.Hypervisors;
using HvFleet.Hypervisors.Lab;

// Usage: dotnet run -c Release --project tests/HvFleet.Benchmarks.Export -- [--dir DIR] [--size-mib 1024] [--runs 2] [--keep] [--quick]
// DIR defaults to a new folder under the system temp directory; lab, snapshot, exports and cp
// copies all live under it, so everything is on one filesystem.
var settings = BenchmarkSettings.Parse(args);
string root = settings.Directory ?? Path.Combine(Path.GetTempPath(), "hvfleet-export-bench-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(root);
Console.WriteLine($"HvFleet export benchmark: {settings.SizeMiB} MiB, best of {settings.Runs} runs, in {root}");
Console.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} CPUs, {Environment.OSVersion}");

try
{
    // One group of 4 VMs; seeding gives every other VM a second disk, so 6 disks share the size.
    const int Disks = 6;
    long diskBytes = settings.SizeMiB * 1024L * 1024 / Disks / 4096 * 4096;
    string labDir = Path.Combine(root, "lab");
    var seedWatch = Stopwatch.StartNew();
    string snapshotId;
    long snapshotBytes;
    await using (var seeding = BenchmarkLab.Create(labDir, diskBytes, LabCopyMethod.Auto))
    {
        var group = (await seeding.ListCollectionsAsync(CancellationToken.None))[0];
        Console.WriteLine($"Seeded {group.MemberVmIds.Count} VMs ({Disks} disks of {diskBytes / (1024 * 1024)} MiB) in {seedWatch.Elapsed.TotalSeconds:F1} s");
        BenchmarkRunner.Sync();
        var snapWatch = Stopwatch.StartNew();
        var snapshot = await seeding.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.Collection(group.Id), SnapshotKind.Recovery, "bench"), NullObserver.Instance, CancellationToken.None);
        snapWatch.Stop();
        snapshotId = snapshot.SnapshotIds[0];
        snapshotBytes = snapshot.Bytes;
        Console.WriteLine($"Group snapshot (capture + SHA-256 of every disk): {BenchmarkRunner.Rate(snapshotBytes, snapWatch.Elapsed)}");
    }

    string snapshotDir = Path.Combine(labDir, "snapshots", snapshotId);

    // Every export hashes each file from the bytes it writes and checks it against the digest
    // recorded when the snapshot was taken; the methods differ in how the bytes are moved.
    var runner = new BenchmarkRunner(root, settings.Runs);
    var labs = new List<LabHypervisor>();
    runner.Add("cp -r", target => BenchmarkRunner.RunCpAsync(snapshotDir, target));
    runner.Add("sha256 only (no copy)", _ => BenchmarkRunner.HashAllAsync(snapshotDir));
    foreach (var method in new[] { LabCopyMethod.Auto, LabCopyMethod.KernelCopy, LabCopyMethod.Buffered })
    {
        var lab = BenchmarkLab.Create(labDir, diskBytes, method);
        labs.Add(lab);
        runner.Add($"export {method}+verify", async target =>
            (await lab.ExportSnapshotAsync(new ExportRequest(snapshotId, target, ExportOptions.Default, false), NullObserver.Instance, CancellationToken.None)).Bytes);
    }

    var best = await runner.RunAsync();
    foreach (var lab in labs)
    {
        await lab.DisposeAsync();
    }

    Console.WriteLine();
    Console.WriteLine($"Best of {settings.Runs} (load average now {File.ReadAllText("/proc/loadavg").Split(' ')[0]}):");
    var cp = best["cp -r"];
    foreach (var (name, result) in best)
    {
        Console.WriteLine($"  {name,-28} best {result.MiBPerSecond,6:F0} MiB/s = {result.MiBPerSecond / cp.MiBPerSecond:F2}x cp's best;  median paired ratio {runner.MedianRatio(name, "cp -r"):F2}x");
    }
}
finally
{
    if (!settings.Keep)
    {
        Directory.Delete(root, recursive: true);
    }
}
