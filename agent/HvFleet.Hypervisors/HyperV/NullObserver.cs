namespace HvFleet.Hypervisors.HyperV;

/// <summary>Swallows the reports of helper jobs (renames) that are not the operation the caller follows.</summary>
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
