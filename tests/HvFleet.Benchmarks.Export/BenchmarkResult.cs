namespace HvFleet.Benchmarks.Export;

/// <summary>One timed copy.</summary>
internal sealed record BenchmarkResult(long Bytes, TimeSpan Elapsed)
{
    public double MiBPerSecond => Bytes / (1024.0 * 1024) / Elapsed.TotalSeconds;
}
