using HvFleet.Orchestrator.Agents;
using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Policy;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>Runs one task to its outcome: adopt a retried task's old job when it completed after all, then attempt after
/// attempt (<see cref="TaskAttempt"/>) as the retry policy allows (<see cref="TaskRetryPolicy"/>), cancelling the agent
/// job when the operation is cancelled (<see cref="AgentJobCanceller"/>).</summary>
internal sealed class TaskRunner(
    HostClients hosts,
    TaskRecorder recorder,
    JobAdopter adopter,
    TaskAttempt attempts,
    TaskRetryPolicy retryPolicy,
    AgentJobCanceller canceller,
    TimeProvider timeProvider)
{
    public async Task<FleetTask> RunAsync(RunContext run, FleetTask task, FleetPolicy policy, FleetOperation operation)
    {
        if (hosts.Find(task.HostName) is not { } client)
        {
            return await recorder.FinishAsync(run, task with
            {
                Outcome = TaskOutcome.Failed,
                Error = new TaskError(0, "host not in inventory", $"host '{task.HostName}' is no longer in the inventory", (int)AgentStatusCode.NotFound),
            });
        }

        task = task with { StartedAt = task.StartedAt ?? timeProvider.GetUtcNow() };
        if (task.PreviousJobId.Length > 0 && task.AgentJobId.Length == 0 && task.Attempts == 0)
        {
            var adopted = await adopter.TryAdoptAsync(run, client, task);
            if (adopted.Outcome == TaskOutcome.Succeeded)
            {
                return await recorder.FinishAsync(run, adopted);
            }

            task = adopted;
        }

        using var shutdownOrCancel = CancellationTokenSource.CreateLinkedTokenSource(run.Cancel, run.Shutdown);

        // Attempts the agent refused under a limit, saying when to come back: they do not use up the policy's retries.
        int throttled = 0;
        while (true)
        {
            var attempt = await attempts.RunAsync(run, client, task, operation, policy, shutdownOrCancel.Token);
            task = attempt.Task;
            if (attempt.End == AttemptEnd.JobEnded)
            {
                return await recorder.FinishAsync(run, task);
            }

            if (attempt.End == AttemptEnd.CancelRequested)
            {
                return await canceller.CancelAsync(run, client, task);
            }

            var failure = attempt.Failure!;
            if (retryPolicy.Decide(task, failure, policy, throttled) is { } retry)
            {
                throttled = retry.Throttled;
                task = await recorder.SaveAsync(run, task with { Outcome = TaskOutcome.Retrying, Error = failure.Error, StatusText = retry.StatusText }, durable: true);
                try
                {
                    await Task.Delay(retry.Delay, timeProvider, shutdownOrCancel.Token);
                }
                catch (OperationCanceledException) when (!run.Shutdown.IsCancellationRequested)
                {
                    return await canceller.CancelAsync(run, client, task);
                }

                continue;
            }

            if (failure.Outcome == TaskOutcome.TimedOut)
            {
                // Out of attempts: do not leave an unobserved job running on the host, even one whose id never arrived.
                (task, _) = await canceller.TryCancelJobAsync(client, task, run.Shutdown);
            }

            return await recorder.FinishAsync(run, task with { Outcome = failure.Outcome, Error = failure.Error, StatusText = failure.Error.Description });
        }
    }
}
