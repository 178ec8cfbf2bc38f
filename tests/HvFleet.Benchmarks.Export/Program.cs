using System.Diagnostics;
using HvFleet.Benchmarks.Export;
using HvFleet.Hypervisors;
using HvFleet.Hypervisors.Lab;

// Usage: dotnet run -c Release --project tests/HvFleet.Benchmarks.Export -- [--dir DIR] [--size-mib 1024] [--runs 2] [--keep]
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
    var runner = new BenchmarkRunner(root, settings.Runs);
    // "+sha256": the export hashes every file while copying it (default). "+recorded": it uses the
    // digests recorded when the snapshot captured the disks (Lab:RehashOnExport = false).
    var cp = await runner.BestAsync("cp -r", async target => await BenchmarkRunner.RunCpAsync(snapshotDir, target));
    await runner.BestAsync("sha256 only (no copy)", _ => BenchmarkRunner.HashAllAsync(snapshotDir));
    Console.WriteLine();
    foreach (var (method, rehash) in new[] { (LabCopyMethod.Auto, true), (LabCopyMethod.KernelCopy, true), (LabCopyMethod.Buffered, true), (LabCopyMethod.Auto, false) })
    {
        await using var lab = BenchmarkLab.Create(labDir, diskBytes, method, rehash);
        string name = $"export {method}{(rehash ? "+sha256" : "+recorded")}";
        var export = await runner.BestAsync(name, async target =>
        {
            var result = await lab.ExportSnapshotAsync(new ExportRequest(snapshotId, target, ExportOptions.Default, false), NullObserver.Instance, CancellationToken.None);
            return result.Bytes;
        });
        Console.WriteLine($"  ratio {name} / cp = {export.MiBPerSecond / cp.MiBPerSecond:F2}x");
    }
}
finally
{
    if (!settings.Keep)
    {
        Directory.Delete(root, recursive: true);
    }
}
