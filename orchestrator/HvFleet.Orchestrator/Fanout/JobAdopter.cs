using HvFleet.Orchestrator.Agents;
using HvFleet.Orchestrator.Operations;
using Microsoft.Extensions.Logging;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>On a retry operation: the job the original gave up on may have completed after all (adopt its result) or
/// still run (follow it instead of starting a second one).</summary>
internal sealed partial class JobAdopter(TimeProvider timeProvider, OrchestratorOptions options, ILogger<JobAdopter> logger)
{
    public async Task<FleetTask> TryAdoptAsync(RunContext run, IAgentClient client, FleetTask task)
    {
        using var timeout = new CancellationTokenSource(options.ControlCallTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, run.Shutdown, run.Cancel);
        RemoteJob? job;
        try
        {
            job = await client.GetJobAsync(task.PreviousJobId, linked.Token);
        }
        catch (Exception ex) when (ex is AgentCallException || (ex is OperationCanceledException && !run.Shutdown.IsCancellationRequested))
        {
            // Unknown: the attempts go through the agent anyway, and a cancel is seen there.
            return task;
        }

        switch (job?.State)
        {
            case AgentJobState.Completed:
                LogAdopted(logger, task.PreviousJobId, task.HostName, task.TargetName);
                return TaskResults.Complete(task, job) with
                {
                    AgentJobId = job.Id,
                    StatusText = $"adopted job {job.Id}, which completed after the original operation gave up on it",
                };
            case AgentJobState.Pending or AgentJobState.Running:
                // Still running: follow it instead of starting a second one.
                return task with { AgentJobId = job.Id };
            default:
                return task;
        }
    }

    [LoggerMessage(EventId = 301, EventName = "JobAdopted", Level = LogLevel.Information,
        Message = "Adopted job {JobId} on {Host} for {Target}: it completed after the original operation gave up")]
    private static partial void LogAdopted(ILogger logger, string jobId, string host, string target);
}
