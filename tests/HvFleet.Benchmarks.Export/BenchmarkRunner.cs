using System.Diagnostics;

namespace HvFleet.Benchmarks.Export;

/// <summary>
/// Runs every case once per round, for several rounds, into fresh targets, and keeps each case's
/// best time. Interleaving the cases spreads the noise of a shared machine evenly over them.
/// </summary>
internal sealed class BenchmarkRunner(string root, int rounds)
{
    private readonly List<(string Name, Func<string, Task<long>> Run)> _cases = [];

    public void Add(string name, Func<string, Task<long>> run) => _cases.Add((name, run));

    /// <summary>Every run of every case, by case name, in round order.</summary>
    public Dictionary<string, List<BenchmarkResult>> Runs { get; } = [];

    /// <summary>
    /// The median over rounds of (case rate / reference rate in the same round): on a shared machine
    /// a paired ratio is steadier than a ratio of two best times taken at different moments.
    /// </summary>
    public double MedianRatio(string name, string reference)
    {
        var ratios = Runs[name].Zip(Runs[reference], (a, b) => a.MiBPerSecond / b.MiBPerSecond).Order().ToArray();
        return ratios.Length % 2 == 1 ? ratios[ratios.Length / 2] : (ratios[(ratios.Length / 2) - 1] + ratios[ratios.Length / 2]) / 2;
    }

    public async Task<IReadOnlyDictionary<string, BenchmarkResult>> RunAsync()
    {
        var best = new Dictionary<string, BenchmarkResult>();
        for (int round = 1; round <= rounds; round++)
        {
            foreach (var (name, run) in _cases)
            {
                string target = Path.Combine(root, "run-" + Guid.NewGuid().ToString("N")[..8]);

                // Flush earlier runs' dirty pages first, so that no run pays for another's writeback.
                Sync();
                var watch = Stopwatch.StartNew();
                long bytes = await run(target);
                watch.Stop();
                var result = new BenchmarkResult(bytes, watch.Elapsed);
                if (!Runs.TryGetValue(name, out var runs))
                {
                    runs = [];
                    Runs[name] = runs;
                }

                runs.Add(result);
                Console.WriteLine($"round {round} {name,-28} {Rate(bytes, watch.Elapsed)}");
                if (!best.TryGetValue(name, out var previous) || result.Elapsed < previous.Elapsed)
                {
                    best[name] = result;
                }

                if (Directory.Exists(target))
                {
                    Directory.Delete(target, recursive: true);
                }
            }
        }

        return best;
    }

    public static async Task<long> RunCpAsync(string source, string target)
    {
        using var process = Process.Start(new ProcessStartInfo("cp", ["-r", source, target]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("cp did not start.");
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"cp exited with {process.ExitCode}.");
        }

        return Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
    }

    /// <summary>Reads and hashes every file under <paramref name="directory"/> (what a re-hashing export adds to a copy).</summary>
    public static async Task<long> HashAllAsync(string directory)
    {
        long total = 0;
        byte[] buffer = new byte[4 * 1024 * 1024];
        foreach (string file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                total += read;
            }

            _ = hash.GetHashAndReset();
        }

        return total;
    }

    public static void Sync()
    {
        using var process = Process.Start(new ProcessStartInfo("sync") { UseShellExecute = false });
        process?.WaitForExit();
    }

    public static string Rate(long bytes, TimeSpan elapsed) =>
        $"{bytes / (1024.0 * 1024):F0} MiB in {elapsed.TotalSeconds:F3} s = {bytes / (1024.0 * 1024) / elapsed.TotalSeconds:F0} MiB/s";
}
