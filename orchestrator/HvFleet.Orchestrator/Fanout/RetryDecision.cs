namespace HvFleet.Orchestrator.Fanout;

/// <summary>Try the task again after <paramref name="Delay"/>. <paramref name="Throttled"/> counts the attempts the
/// agent refused under a limit so far (they do not use up the policy's retries).</summary>
internal sealed record RetryDecision(TimeSpan Delay, string StatusText, int Throttled);
