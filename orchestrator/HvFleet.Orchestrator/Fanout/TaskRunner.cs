using HvFleet.Orchestrator.Agents;
using HvFleet.Orchestrator.Inventory;
using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Policy;
using HvFleet.Orchestrator.Store;
using Microsoft.Extensions.Logging;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>Runs one task to its outcome: adopt a retried task's old job when it completed after all, start or
/// re-attach to the agent job (same request id on every attempt), follow it, time it out, retry what is retryable.</summary>
internal sealed partial class TaskRunner(
    IFleetInventory inventory,
    IAgentConnector connector,
    IOperationStore store,
    TimeProvider timeProvider,
    OrchestratorOptions options,
    ILogger logger)
{
    /// <summary>A failed attempt: the outcome it would end with, why, and whether the policy may retry it.</summary>
    private sealed record AttemptFailure(TaskOutcome Outcome, TaskError Error, bool Retryable);

    public async Task<FleetTask> RunAsync(RunContext run, FleetTask task, FleetPolicy policy, FleetOperation operation)
    {
        var host = inventory.Hosts.FirstOrDefault(h => string.Equals(h.Name, task.HostName, StringComparison.OrdinalIgnoreCase));
        if (host is null)
        {
            return await FinishAsync(run, task with
            {
                Outcome = TaskOutcome.Failed,
                Error = new TaskError(0, "host not in inventory", $"host '{task.HostName}' is no longer in the inventory", (int)AgentStatusCode.NotFound),
            });
        }

        var client = connector.GetClient(host);
        task = task with { StartedAt = task.StartedAt ?? timeProvider.GetUtcNow() };
        if (task.PreviousJobId.Length > 0 && task.AgentJobId.Length == 0 && task.Attempts == 0)
        {
            var adopted = await TryAdoptAsync(run, client, task);
            if (adopted.Outcome == TaskOutcome.Succeeded)
            {
                return await FinishAsync(run, adopted);
            }

            task = adopted;
        }

        using var shutdownOrCancel = CancellationTokenSource.CreateLinkedTokenSource(run.Cancel, run.Shutdown);
        while (true)
        {
            // Not written yet: the first job event (with the job id) is. A crash before it re-runs the attempt with the
            // same request id, which the agent answers with the same job.
            task = await SaveAsync(run, task with { Attempts = task.Attempts + 1, Outcome = TaskOutcome.Running, StatusText = "" }, durable: false);
            using var timeout = policy.HostTimeout is { } limit ? new CancellationTokenSource(limit, timeProvider) : new CancellationTokenSource();
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(shutdownOrCancel.Token, timeout.Token);
            AttemptFailure failure;
            try
            {
                AgentJob? last = null;
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
                    task = await SaveAsync(run, task, durable: newJob);
                    if (job.IsTerminal)
                    {
                        break;
                    }
                }

                if (last is { IsTerminal: true })
                {
                    return await FinishAsync(run, Complete(task, last));
                }

                failure = new AttemptFailure(TaskOutcome.Unreachable,
                    new TaskError(0, "stream ended early", "the agent's job stream ended before the job finished", (int)AgentStatusCode.Unavailable), true);
            }
            catch (AgentCallException ex) when (ex.Status == AgentStatusCode.NotFound && task.AgentJobId.Length > 0)
            {
                // The agent no longer knows the job id: start again by request id (the agent still dedupes on it).
                LogJobLost(logger, task.AgentJobId, task.HostName);
                task = task with { AgentJobId = "" };
                failure = new AttemptFailure(TaskOutcome.Failed, ErrorOf(ex), true);
            }
            catch (AgentCallException ex)
            {
                failure = new AttemptFailure(OutcomeOf(ex), ErrorOf(ex), ex.IsRetryable);
            }
            catch (OperationCanceledException) when (run.Shutdown.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException) when (run.Cancel.IsCancellationRequested)
            {
                return await CancelAsync(run, client, task);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                failure = new AttemptFailure(TaskOutcome.TimedOut,
                    new TaskError(0, "timed out", $"attempt {task.Attempts} took longer than the host timeout {policy.HostTimeout}", (int)AgentStatusCode.DeadlineExceeded), true);
            }

            if (failure.Retryable && task.Attempts <= policy.MaxRetries)
            {
                var delay = RetryBackoff.Delay(policy, task.Attempts, Random.Shared.NextDouble());
                LogRetrying(logger, task.HostName, task.TargetName, task.Attempts, failure.Error.Summary, delay);
                task = await SaveAsync(run, task with
                {
                    Outcome = TaskOutcome.Retrying,
                    Error = failure.Error,
                    StatusText = $"retrying in {delay.TotalSeconds:0.###} s after: {failure.Error.Description}",
                }, durable: true);
                try
                {
                    await Task.Delay(delay, timeProvider, shutdownOrCancel.Token);
                }
                catch (OperationCanceledException) when (!run.Shutdown.IsCancellationRequested)
                {
                    return await CancelAsync(run, client, task);
                }

                continue;
            }

            if (failure.Outcome == TaskOutcome.TimedOut && task.AgentJobId.Length > 0)
            {
                // Out of attempts: do not leave an unobserved job running on the host.
                await TryCancelJobAsync(client, task, run.Shutdown);
            }

            return await FinishAsync(run, task with { Outcome = failure.Outcome, Error = failure.Error, StatusText = failure.Error.Description });
        }
    }

    /// <summary>Deletes the snapshots a task created (cleanup policy). Returns the task marked cleaned up, or with the
    /// reason in its status when a delete failed.</summary>
    public async Task<FleetTask> CleanupAsync(RunContext run, FleetTask task)
    {
        var host = inventory.Hosts.FirstOrDefault(h => string.Equals(h.Name, task.HostName, StringComparison.OrdinalIgnoreCase));
        if (host is null)
        {
            return task;
        }

        var client = connector.GetClient(host);
        var problems = new List<string>();
        foreach (string snapshotId in task.SnapshotIds)
        {
            using var timeout = new CancellationTokenSource(options.ControlCallTimeout, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, run.Shutdown);
            try
            {
                AgentJob? last = null;
                await foreach (var job in client.DeleteSnapshotAsync(new DeleteSnapshotCommand(snapshotId, RequestIds.ForCleanup(task.RequestId, snapshotId)), linked.Token))
                {
                    last = job;
                }

                if (last?.State != AgentJobState.Completed)
                {
                    problems.Add($"{snapshotId}: {last?.Error?.Description ?? last?.State.ToString() ?? "no job"}");
                }
            }
            catch (Exception ex) when (ex is AgentCallException || (ex is OperationCanceledException && !run.Shutdown.IsCancellationRequested))
            {
                problems.Add($"{snapshotId}: {ex.Message}");
            }
        }

        var cleaned = problems.Count == 0
            ? task with { CleanedUp = true, StatusText = "checkpoint removed by the cleanup policy" }
            : task with { StatusText = $"cleanup failed: {string.Join("; ", problems)}" };
        LogCleanup(logger, task.HostName, task.TargetName, cleaned.CleanedUp);
        return await SaveAsync(run, cleaned, durable: true);
    }

    internal static TaskOutcome OutcomeOf(AgentCallException ex) => ex.Status switch
    {
        AgentStatusCode.Unavailable => TaskOutcome.Unreachable,
        AgentStatusCode.DeadlineExceeded => TaskOutcome.TimedOut,
        _ => TaskOutcome.Failed,
    };

    internal static TaskError ErrorOf(AgentCallException ex) => new(0, ex.Status switch
    {
        AgentStatusCode.Unavailable => "agent unreachable",
        AgentStatusCode.DeadlineExceeded => "deadline exceeded",
        AgentStatusCode.ResourceExhausted => "agent busy",
        AgentStatusCode.InvalidArgument => "invalid argument",
        AgentStatusCode.PermissionDenied => "permission denied",
        AgentStatusCode.NotFound => "not found",
        AgentStatusCode.FailedPrecondition => "failed precondition",
        _ => ex.Status.ToString(),
    }, ex.Detail, (int)ex.Status);

    private static IAsyncEnumerable<AgentJob> OpenJobStream(IAgentClient client, FleetTask task, FleetOperation operation, CancellationToken cancellationToken)
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

    private static FleetTask Complete(FleetTask task, AgentJob job) => job.State switch
    {
        AgentJobState.Completed => task with
        {
            Outcome = TaskOutcome.Succeeded,
            SnapshotIds = job.SnapshotIds,
            ExportPath = job.ExportPath.Length > 0 ? job.ExportPath : task.ExportPath,
            Percent = 100,
            Error = null,
        },
        AgentJobState.Cancelled => task with
        {
            Outcome = TaskOutcome.Cancelled,
            Error = new TaskError(job.Error?.HyperVCode ?? 0, "cancelled on the agent", job.Error?.Description ?? job.StatusText, 0),
        },
        _ => task with
        {
            Outcome = TaskOutcome.Failed,
            Error = new TaskError(job.Error?.HyperVCode ?? 0, job.Error?.Summary ?? "job failed", job.Error?.Description ?? job.StatusText, 0),
        },
    };

    /// <summary>On a retry operation: the old job may have completed after the original gave up on it.</summary>
    private async Task<FleetTask> TryAdoptAsync(RunContext run, IAgentClient client, FleetTask task)
    {
        using var timeout = new CancellationTokenSource(options.ControlCallTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, run.Shutdown, run.Cancel);
        AgentJob? job;
        try
        {
            job = await client.GetJobAsync(task.PreviousJobId, linked.Token);
        }
        catch (Exception ex) when (ex is AgentCallException || (ex is OperationCanceledException && !run.Shutdown.IsCancellationRequested))
        {
            // Unknown: the attempts below go through the agent anyway, and a cancel is seen there.
            return task;
        }

        switch (job?.State)
        {
            case AgentJobState.Completed:
                LogAdopted(logger, task.PreviousJobId, task.HostName, task.TargetName);
                return Complete(task, job) with
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

    private async Task<FleetTask> CancelAsync(RunContext run, IAgentClient client, FleetTask task)
    {
        string status = "cancelled before an agent job existed";
        if (task.AgentJobId.Length > 0)
        {
            var job = await TryCancelJobAsync(client, task, run.Shutdown);
            status = job is null ? $"cancel of agent job {task.AgentJobId} not confirmed" : $"agent job {job.Id} {job.State.ToString().ToLowerInvariant()} after cancel";
        }

        return await FinishAsync(run, task with
        {
            Outcome = TaskOutcome.Cancelled,
            Error = new TaskError(0, "cancelled", "the operation was cancelled", (int)AgentStatusCode.Cancelled),
            StatusText = status,
        });
    }

    private async Task<AgentJob?> TryCancelJobAsync(IAgentClient client, FleetTask task, CancellationToken shutdown)
    {
        using var timeout = new CancellationTokenSource(options.ControlCallTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, shutdown);
        try
        {
            return await client.CancelJobAsync(task.AgentJobId, linked.Token);
        }
        catch (Exception ex) when (ex is AgentCallException || (ex is OperationCanceledException && !shutdown.IsCancellationRequested))
        {
            LogCancelFailed(logger, task.AgentJobId, task.HostName, ex.Message);
            return null;
        }
    }

    private Task<FleetTask> FinishAsync(RunContext run, FleetTask task) =>
        SaveAsync(run, task with { FinishedAt = timeProvider.GetUtcNow() }, durable: true);

    private async Task<FleetTask> SaveAsync(RunContext run, FleetTask task, bool durable)
    {
        if (durable)
        {
            await store.UpdateTaskAsync(run.Live.Id, task, run.Shutdown);
        }

        run.Live.UpdateTask(task);
        return task;
    }

    [LoggerMessage(EventId = 300, EventName = "TaskRetrying", Level = LogLevel.Warning,
        Message = "Task {Host}/{Target}: attempt {Attempt} failed ({Reason}); retrying in {Delay}")]
    private static partial void LogRetrying(ILogger logger, string host, string target, int attempt, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 301, EventName = "JobAdopted", Level = LogLevel.Information,
        Message = "Adopted job {JobId} on {Host} for {Target}: it completed after the original operation gave up")]
    private static partial void LogAdopted(ILogger logger, string jobId, string host, string target);

    [LoggerMessage(EventId = 302, EventName = "JobLost", Level = LogLevel.Warning,
        Message = "Agent job {JobId} on {Host} is unknown to the agent; re-attaching by request id")]
    private static partial void LogJobLost(ILogger logger, string jobId, string host);

    [LoggerMessage(EventId = 303, EventName = "CancelJobFailed", Level = LogLevel.Warning,
        Message = "CancelJob {JobId} on {Host} failed: {Error}")]
    private static partial void LogCancelFailed(ILogger logger, string jobId, string host, string error);

    [LoggerMessage(EventId = 304, EventName = "CheckpointCleanup", Level = LogLevel.Information,
        Message = "Cleanup of {Host}/{Target} checkpoints: removed = {Removed}")]
    private static partial void LogCleanup(ILogger logger, string host, string target, bool removed);
}
