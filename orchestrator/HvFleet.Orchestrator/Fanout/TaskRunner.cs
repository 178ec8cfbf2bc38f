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
    /// <summary>A failed attempt: the outcome it would end with, why, whether the policy may retry it, and when the agent
    /// said to try again (it refused the call under a limit).</summary>
    private sealed record AttemptFailure(TaskOutcome Outcome, TaskError Error, bool Retryable, TimeSpan? RetryAfter = null);

    /// <summary>A cancel's result: the job's state after it (null when none was found or the cancel was not confirmed),
    /// and whether the agent answered at all.</summary>
    private sealed record CancelResult(RemoteJob? Job, bool Answered);

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

        // Attempts the agent refused under a limit, saying when to come back: they do not use up the policy's retries.
        int throttled = 0;
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
                failure = new AttemptFailure(OutcomeOf(ex), ErrorOf(ex), ex.IsRetryable, ex.Status == AgentStatusCode.ResourceExhausted ? ex.RetryAfter : null);
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

            bool pushedBack = failure.Retryable && failure.RetryAfter is not null && throttled < options.MaxThrottledAttempts;
            if (pushedBack)
            {
                throttled++;
            }

            if (pushedBack || (failure.Retryable && task.Attempts - throttled <= policy.MaxRetries))
            {
                // The agent's own word on when it has room beats a guess: waiting less would only be refused again.
                var delay = pushedBack
                    ? TimeSpan.FromTicks(Math.Min(failure.RetryAfter!.Value.Ticks, options.MaxRetryAfter.Ticks))
                    : RetryBackoff.Delay(policy, task.Attempts - throttled, Random.Shared.NextDouble());
                if (pushedBack)
                {
                    LogPushedBack(logger, task.HostName, task.TargetName, task.Attempts, failure.RetryAfter!.Value, delay);
                }
                else
                {
                    LogRetrying(logger, task.HostName, task.TargetName, task.Attempts, failure.Error.Summary, delay);
                }

                task = await SaveAsync(run, task with
                {
                    Outcome = TaskOutcome.Retrying,
                    Error = failure.Error,
                    StatusText = pushedBack
                        ? $"retrying in {delay.TotalSeconds:0.###} s, as the agent asked, after: {failure.Error.Description}"
                        : $"retrying in {delay.TotalSeconds:0.###} s after: {failure.Error.Description}",
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

            if (failure.Outcome == TaskOutcome.TimedOut)
            {
                // Out of attempts: do not leave an unobserved job running on the host, even one whose id never arrived.
                (task, _) = await TryCancelJobAsync(client, task, run.Shutdown);
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
                RemoteJob? last = null;
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

    /// <summary>Ends a task that an earlier run (before a restart) may have started, for an operation cancelled before
    /// this run got to it: its agent job, known by id or found by request id, is cancelled too.</summary>
    public async Task<FleetTask> CancelStartedAsync(RunContext run, FleetTask task)
    {
        var host = inventory.Hosts.FirstOrDefault(h => string.Equals(h.Name, task.HostName, StringComparison.OrdinalIgnoreCase));
        if (host is null)
        {
            return await FinishAsync(run, Cancelled(task, $"host '{task.HostName}' is no longer in the inventory; its agent job was not cancelled"));
        }

        return await CancelAsync(run, connector.GetClient(host), task);
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

    private static FleetTask Complete(FleetTask task, RemoteJob job) => job.State switch
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
        RemoteJob? job;
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

        return await FinishAsync(run, Cancelled(task, status));
    }

    /// <summary>A job that completed before the cancel reached it left checkpoints: the task records them, so the
    /// cleanup policy can remove them and a retry adopts them instead of taking a second one.</summary>
    private static FleetTask WithCheckpoints(FleetTask task, RemoteJob job) =>
        job.State == AgentJobState.Completed && job.SnapshotIds.Count > 0 ? task with { SnapshotIds = job.SnapshotIds } : task;

    private static FleetTask Cancelled(FleetTask task, string status) => task with
    {
        Outcome = TaskOutcome.Cancelled,
        Error = new TaskError(0, "cancelled", "the operation was cancelled", (int)AgentStatusCode.Cancelled),
        StatusText = status,
    };

    /// <summary>Cancels the task's agent job. Without a job id (the attempt ended before the first event, or a crash
    /// came between the agent creating the job and the id being stored) the job is looked up by the task's request id:
    /// the agent may have created it all the same. Returns the task (with the job id when one was found) and the job's
    /// state after the cancel; Answered is false when the agent could not be asked.</summary>
    private async Task<(FleetTask Task, CancelResult Result)> TryCancelJobAsync(IAgentClient client, FleetTask task, CancellationToken shutdown)
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
                    return (WithCheckpoints(task, found), new CancelResult(found, Answered: true));
                }
            }

            var job = await client.CancelJobAsync(task.AgentJobId, linked.Token);
            return (job is null ? task : WithCheckpoints(task, job), new CancelResult(job, Answered: true));
        }
        catch (Exception ex) when (ex is AgentCallException || (ex is OperationCanceledException && !shutdown.IsCancellationRequested))
        {
            LogCancelFailed(logger, task.AgentJobId.Length > 0 ? task.AgentJobId : $"(request id {task.RequestId})", task.HostName, ex.Message);
            return (task, new CancelResult(null, Answered: false));
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
}
