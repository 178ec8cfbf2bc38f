using HvFleet.Hypervisors;

namespace HvFleet.Benchmarks.Export;

/// <summary>Ignores progress: the benchmark times the copy, not the reporting.</summary>
internal sealed class NullObserver : IOperationObserver
{
    public static readonly NullObserver Instance = new();

    public void ReportProgress(HypervisorProgress progress)
    {
    }

    public void ReportBackendJob(BackendJobReference backendJob)
    {
    }
}
