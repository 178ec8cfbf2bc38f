namespace HvFleet.Agent.Service;

/// <summary>How the agent's service reports progress to the SCM while it starts and stops.</summary>
internal sealed record ServiceRunnerTimings
{
    /// <summary>
    /// The wait hint of every pending report: the SCM gives the service this long to report again
    /// with a higher checkpoint. Default 15 s.
    /// </summary>
    public TimeSpan WaitHint { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often a pending state is re-reported with the next checkpoint. Default 3 s (well inside the wait hint).</summary>
    public TimeSpan PulseInterval { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long a stop may take in total before the host's stop is cancelled (the jobs' own drain
    /// grace period, Jobs:DrainGracePeriod, is shorter and applies first). Default 90 s.
    /// </summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Throws when the timings could let the SCM think the service hung.</summary>
    public void Validate()
    {
        if (PulseInterval <= TimeSpan.Zero || WaitHint <= TimeSpan.Zero || StopTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("Service timings must be positive.");
        }

        if (PulseInterval >= WaitHint)
        {
            throw new ArgumentException($"Service PulseInterval ({PulseInterval}) must be shorter than WaitHint ({WaitHint}).");
        }
    }
}
