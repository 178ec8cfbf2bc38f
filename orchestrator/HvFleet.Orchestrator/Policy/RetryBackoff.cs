namespace HvFleet.Orchestrator.Policy;

/// <summary>Exponential backoff with "equal jitter": half the delay is fixed, half random, so retries from many
/// tasks that failed together (one agent restarting) spread out instead of arriving as a second wave.</summary>
public static class RetryBackoff
{
    /// <param name="policy">Base and maximum delay.</param>
    /// <param name="retry">1 for the first retry.</param>
    /// <param name="unitRandom">A value in [0, 1).</param>
    public static TimeSpan Delay(FleetPolicy policy, int retry, double unitRandom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        double baseTicks = policy.RetryBackoff.Ticks;
        double exponential = baseTicks * Math.Pow(2, Math.Min(retry - 1, 30));
        double capped = Math.Min(exponential, policy.RetryBackoffMax.Ticks);
        double half = capped / 2;
        return TimeSpan.FromTicks((long)(half + (half * Math.Clamp(unitRandom, 0, 1))));
    }
}
