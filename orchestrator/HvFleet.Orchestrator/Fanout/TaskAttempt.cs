using HvFleet.Orchestrator.Agents;
using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Policy;
using Microsoft.Extensions.Logging;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>One attempt at a task: start the agent job, or re-attach to it by id (the request id is the same on every
/// attempt, so the agent answers a repeated start with the same job), follow it to its end under the host timeout.</summary>
internal sealed partial class TaskAttempt(TaskRecorder recorder, TimeProvider timeProvider, ILogger<TaskAttempt> logger)
{
    /// <summary>Runs the attempt. Throws <see cref="OperationCanceledException"/> only when the orchestrator stops
    /// (<see cref="RunContext.Shutdown"/>); a cancelled operation is an <see cref="AttemptEnd.CancelRequested"/> end.</summary>
    public async Task<AttemptResult> RunAsync(RunContext run, IAgentClient client, FleetTask task, FleetOperation operation, FleetPolicy policy,
        CancellationToken shutdownOrCancel)
    {
        // Not written yet: the first job event (with the job id) is. A crash before it re-runs the attempt with the
        // same request id, which the agent answers with the same job.
        task = await recorder.SaveAsync(run, task with { Attempts = task.Attempts + 1, Outcome = TaskOutcome.Running, StatusText = "" }, durable: false);
        using var timeout = policy.HostTimeout is { } limit ? new CancellationTokenSource(limit, timeProvider) : new CancellationTokenSource();
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(shutdownOrCancel, timeout.Token);
        try
        {
            RemoteJob? last = null;
            await foreach (var job in OpenJobStream(client, task, operation, attempt.Token).WithCancellation(attempt.Token))
            {
                last = job;
                bool newJob = task.AgentJobId != job.Id;
                task = task with
                {
                    AgentJobId = job.Id,
                    Percent = job.Percent,
                    BytesDone = job.BytesDone,
                    BytesTotal = job.BytesTotal,
                    StatusText = job.StatusText,
                };

                // The job id is written as soon as it is known: a restarted orchestrator re-attaches with it.
                task = await recorder.SaveAsync(run, task, durable: newJob);
                if (job.IsTerminal)
                {
                    break;
                }
            }

            if (last is { IsTerminal: true })
            {
                return new AttemptResult(TaskResults.Complete(task, last), AttemptEnd.JobEnded);
            }

            return Failed(task, new AttemptFailure(TaskOutcome.Unreachable,
                new TaskError(0, "stream ended early", "the agent's job stream ended before the job finished", (int)AgentStatusCode.Unavailable), true));
        }
        catch (AgentCallException ex) when (ex.Status == AgentStatusCode.NotFound && task.AgentJobId.Length > 0)
        {
            // The agent no longer knows the job id: start again by request id (the agent still dedupes on it).
            LogJobLost(logger, task.AgentJobId, task.HostName);
            return Failed(task with { AgentJobId = "" }, new AttemptFailure(TaskOutcome.Failed, AgentFailures.ErrorOf(ex), true));
        }
        catch (AgentCallException ex)
        {
            return Failed(task, new AttemptFailure(AgentFailures.OutcomeOf(ex), AgentFailures.ErrorOf(ex), ex.IsRetryable,
                ex.Status == AgentStatusCode.ResourceExhausted ? ex.RetryAfter : null));
        }
        catch (OperationCanceledException) when (run.Shutdown.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (run.Cancel.IsCancellationRequested)
        {
            return new AttemptResult(task, AttemptEnd.CancelRequested);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return Failed(task, new AttemptFailure(TaskOutcome.TimedOut,
                new TaskError(0, "timed out", $"attempt {task.Attempts} took longer than the host timeout {policy.HostTimeout}", (int)AgentStatusCode.DeadlineExceeded), true));
        }
    }

    private static AttemptResult Failed(FleetTask task, AttemptFailure failure) => new(task, AttemptEnd.Failed, failure);

    private static IAsyncEnumerable<RemoteJob> OpenJobStream(IAgentClient client, FleetTask task, FleetOperation operation, CancellationToken cancellationToken)
    {
        if (task.AgentJobId.Length > 0)
        {
            return client.WatchJobAsync(task.AgentJobId, cancellationToken);
        }

        return task.TargetKind switch
        {
            TargetKind.Collection => client.CreateSnapshotAsync(new CreateSnapshotCommand
            {
                CollectionId = task.TargetId,
                Kind = operation.SnapshotKind,
                Name = operation.SnapshotName,
                RequestId = task.RequestId,
            }, cancellationToken),
            TargetKind.VirtualMachine => client.CreateSnapshotAsync(new CreateSnapshotCommand
            {
                VmIds = [task.TargetId],
                Kind = operation.SnapshotKind,
                Name = operation.SnapshotName,
                RequestId = task.RequestId,
            }, cancellationToken),
            _ => client.ExportSnapshotAsync(new ExportSnapshotCommand
            {
                SnapshotId = task.TargetId,
                ExportDirectory = task.ExportPath,
                Options = operation.ExportOptions,
                RequestId = task.RequestId,
            }, cancellationToken),
        };
    }

    [LoggerMessage(EventId = 302, EventName = "JobLost", Level = LogLevel.Warning,
        Message = "Agent job {JobId} on {Host} is unknown to the agent; re-attaching by request id")]
    private static partial void LogJobLost(ILogger logger, string jobId, string host);
}
