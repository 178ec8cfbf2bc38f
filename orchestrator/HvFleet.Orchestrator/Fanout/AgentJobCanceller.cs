using HvFleet.Orchestrator.Agents;
using HvFleet.Orchestrator.Operations;
using Microsoft.Extensions.Logging;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>Cancels a task's agent job, found by id or, when its id never arrived, by the task's request id, and ends
/// the task Cancelled with what the agent said.</summary>
internal sealed partial class AgentJobCanceller(
    HostClients hosts,
    TaskRecorder recorder,
    TimeProvider timeProvider,
    OrchestratorOptions options,
    ILogger<AgentJobCanceller> logger)
{
    /// <summary>Ends a task that an earlier run (before a restart) may have started, for an operation cancelled before
    /// this run got to it: its agent job, known by id or found by request id, is cancelled too.</summary>
    public async Task<FleetTask> CancelStartedAsync(RunContext run, FleetTask task)
    {
        if (hosts.Find(task.HostName) is not { } client)
        {
            return await recorder.FinishAsync(run, TaskResults.Cancelled(task, $"host '{task.HostName}' is no longer in the inventory; its agent job was not cancelled"));
        }

        return await CancelAsync(run, client, task);
    }

    /// <summary>Cancels the task's agent job and ends the task Cancelled, its status saying what became of the job.</summary>
    public async Task<FleetTask> CancelAsync(RunContext run, IAgentClient client, FleetTask task)
    {
        string? knownJobId = task.AgentJobId.Length > 0 ? task.AgentJobId : null;
        (task, var result) = await TryCancelJobAsync(client, task, run.Shutdown);
        string status = result switch
        {
            { Job: { } job } => knownJobId is null
                ? $"agent job {job.Id} (found by request id) {job.State.ToString().ToLowerInvariant()} after cancel"
                : $"agent job {job.Id} {job.State.ToString().ToLowerInvariant()} after cancel",
            { Answered: true } when task.AgentJobId.Length == 0 => "cancelled before an agent job existed",
            _ when task.AgentJobId.Length > 0 => $"cancel of agent job {task.AgentJobId} not confirmed",
            _ => $"cancel not confirmed: the agent could not be asked for a job with request id {task.RequestId}",
        };

        return await recorder.FinishAsync(run, TaskResults.Cancelled(task, status));
    }

    /// <summary>Cancels the task's agent job. Without a job id (the attempt ended before the first event, or a crash
    /// came between the agent creating the job and the id being stored) the job is looked up by the task's request id:
    /// the agent may have created it all the same. Returns the task (with the job id when one was found) and the job's
    /// state after the cancel; Answered is false when the agent could not be asked.</summary>
    public async Task<(FleetTask Task, CancelResult Result)> TryCancelJobAsync(IAgentClient client, FleetTask task, CancellationToken shutdown)
    {
        using var timeout = new CancellationTokenSource(options.ControlCallTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, shutdown);
        try
        {
            if (task.AgentJobId.Length == 0)
            {
                var found = await client.FindJobByRequestIdAsync(task.RequestId, linked.Token);
                if (found is null)
                {
                    return (task, new CancelResult(null, Answered: true));
                }

                LogJobFoundByRequestId(logger, found.Id, task.HostName, task.RequestId);
                task = task with { AgentJobId = found.Id };
                if (found.IsTerminal)
                {
                    return (TaskResults.WithCheckpoints(task, found), new CancelResult(found, Answered: true));
                }
            }

            var job = await client.CancelJobAsync(task.AgentJobId, linked.Token);
            return (job is null ? task : TaskResults.WithCheckpoints(task, job), new CancelResult(job, Answered: true));
        }
        catch (Exception ex) when (ex is AgentCallException || (ex is OperationCanceledException && !shutdown.IsCancellationRequested))
        {
            LogCancelFailed(logger, task.AgentJobId.Length > 0 ? task.AgentJobId : $"(request id {task.RequestId})", task.HostName, ex.Message);
            return (task, new CancelResult(null, Answered: false));
        }
    }

    [LoggerMessage(EventId = 303, EventName = "CancelJobFailed", Level = LogLevel.Warning,
        Message = "CancelJob {JobId} on {Host} failed: {Error}")]
    private static partial void LogCancelFailed(ILogger logger, string jobId, string host, string error);

    [LoggerMessage(EventId = 305, EventName = "JobFoundByRequestId", Level = LogLevel.Information,
        Message = "Found agent job {JobId} on {Host} by request id {RequestId} (its id had not been received); cancelling it")]
    private static partial void LogJobFoundByRequestId(ILogger logger, string jobId, string host, string requestId);
}
