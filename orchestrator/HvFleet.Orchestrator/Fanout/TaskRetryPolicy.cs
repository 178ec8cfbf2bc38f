using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Policy;
using Microsoft.Extensions.Logging;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>Whether a failed attempt is tried again, and after how long: the policy's retries with backoff, or, when
/// the agent refused the call under a limit and said when to come back, that time (up to
/// <see cref="OrchestratorOptions.MaxThrottledAttempts"/> such refusals, which do not use up the policy's retries).</summary>
internal sealed partial class TaskRetryPolicy(OrchestratorOptions options, ILogger<TaskRetryPolicy> logger)
{
    /// <summary>The retry to make, or null when the failure ends the task.</summary>
    public RetryDecision? Decide(FleetTask task, AttemptFailure failure, FleetPolicy policy, int throttled)
    {
        bool pushedBack = failure.Retryable && failure.RetryAfter is not null && throttled < options.MaxThrottledAttempts;
        if (pushedBack)
        {
            throttled++;
        }

        if (!pushedBack && !(failure.Retryable && task.Attempts - throttled <= policy.MaxRetries))
        {
            return null;
        }

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

        string status = pushedBack
            ? $"retrying in {delay.TotalSeconds:0.###} s, as the agent asked, after: {failure.Error.Description}"
            : $"retrying in {delay.TotalSeconds:0.###} s after: {failure.Error.Description}";
        return new RetryDecision(delay, status, throttled);
    }

    [LoggerMessage(EventId = 300, EventName = "TaskRetrying", Level = LogLevel.Warning,
        Message = "Task {Host}/{Target}: attempt {Attempt} failed ({Reason}); retrying in {Delay}")]
    private static partial void LogRetrying(ILogger logger, string host, string target, int attempt, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 306, EventName = "TaskPushedBack", Level = LogLevel.Information,
        Message = "Task {Host}/{Target}: attempt {Attempt} refused by the agent's call limit, which asked for a retry in {RetryAfter}; retrying in {Delay}")]
    private static partial void LogPushedBack(ILogger logger, string host, string target, int attempt, TimeSpan retryAfter, TimeSpan delay);
}
