namespace HvFleet.Agent.Jobs.Requests;

/// <summary>A cancel: refused while the job store cannot write, else handed to the engine.</summary>
internal sealed class CancelJobHandler(JobManager jobs, JobStoreHealth storeHealth)
{
    public async Task<JobCancelResult> HandleAsync(string jobId, CancellationToken cancellationToken)
    {
        if (storeHealth.Problem is { } storeProblem)
        {
            // A cancel must be recorded before it is reported; refuse it while nothing can be recorded.
            return new JobCancelResult(null, storeProblem);
        }

        return new JobCancelResult(await jobs.CancelAsync(jobId, cancellationToken), null);
    }
}
