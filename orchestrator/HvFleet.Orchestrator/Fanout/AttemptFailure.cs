using HvFleet.Orchestrator.Operations;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>A failed attempt: the outcome it would end with, why, whether the policy may retry it, and when the agent
/// said to try again (it refused the call under a limit).</summary>
internal sealed record AttemptFailure(TaskOutcome Outcome, TaskError Error, bool Retryable, TimeSpan? RetryAfter = null);
