using HvFleet.Hypervisors;

namespace HvFleet.Agent.Jobs;

/// <summary>Routes what a backend reports for one job into the <see cref="JobManager"/>.</summary>
internal sealed class JobObserver(JobManager manager, JobRuntime runtime) : IOperationObserver
{
    public void ReportProgress(HypervisorProgress progress) => manager.OnProgress(runtime, progress);

    public void ReportBackendJob(BackendJobReference backendJob) => manager.OnBackendJob(runtime, backendJob);
}
