using HvFleet.Hypervisors;

namespace HvFleet.Agent.Jobs.Engine;

/// <summary>Routes what a backend reports for one job into the <see cref="JobExecutor"/>.</summary>
internal sealed class JobObserver(JobExecutor executor, JobRuntime runtime) : IOperationObserver
{
    public void ReportProgress(HypervisorProgress progress) => executor.OnProgress(runtime, progress);

    public void ReportBackendJob(BackendJobReference backendJob) => executor.OnBackendJob(runtime, backendJob);
}
