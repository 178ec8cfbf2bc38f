namespace HvFleet.Orchestrator.Policy;

/// <summary>The rules an operation runs under.</summary>
public sealed record FleetPolicy
{
    /// <summary>Hosts with at least one task running at once (0 = no cap).</summary>
    public int MaxHostsInFlight { get; init; }

    /// <summary>Tasks running at once on one host (default 1).</summary>
    public int MaxJobsPerHost { get; init; } = 1;

    /// <summary>Tasks running at once across hosts that share a storage key (0 = no cap).</summary>
    public int MaxPerStorageKey { get; init; }

    /// <summary>Time one attempt of a task may take before it counts as timed out (null = none).</summary>
    public TimeSpan? HostTimeout { get; init; }

    /// <summary>Retries of a retryable failure (unreachable, resource exhausted, timed out). Default 2.</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>First retry delay; doubled per attempt, with jitter. Default 1 s.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of one retry delay. Default 30 s.</summary>
    public TimeSpan RetryBackoffMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Failed targets tolerated fleet-wide before the remaining targets are skipped (null = unlimited).</summary>
    public int? FailureBudget { get; init; }

    /// <summary>Hosts per wave (0 = one wave). Waves run one after another.</summary>
    public int WaveSize { get; init; }

    /// <summary>Failed targets tolerated in one wave before that wave's remaining targets are skipped (null = unlimited).
    /// A wave that exceeds it does not stop later waves; only the fleet budget does.</summary>
    public int? WaveFailureBudget { get; init; }

    /// <summary>Delete the checkpoints this operation created when it ends failed, partially failed or cancelled.</summary>
    public bool CleanupOnFailure { get; init; }

    public static FleetPolicy Default { get; } = new();

    /// <summary>Every problem with the policy, each naming its field; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxHostsInFlight < 0)
        {
            errors.Add("policy.max_hosts_in_flight must be 0 (no cap) or positive");
        }

        if (MaxJobsPerHost < 1)
        {
            errors.Add("policy.max_jobs_per_host must be at least 1");
        }

        if (MaxPerStorageKey < 0)
        {
            errors.Add("policy.max_per_storage_key must be 0 (no cap) or positive");
        }

        if (HostTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            errors.Add("policy.host_timeout must be positive when set");
        }

        if (MaxRetries is < 0 or > 100)
        {
            errors.Add("policy.max_retries must be between 0 and 100");
        }

        if (RetryBackoff < TimeSpan.Zero || RetryBackoffMax < RetryBackoff)
        {
            errors.Add("policy.retry_backoff must be non-negative and not above policy.retry_backoff_max");
        }

        if (FailureBudget is < 0)
        {
            errors.Add("policy.failure_budget must be 0 or positive (unset = unlimited)");
        }

        if (WaveSize < 0)
        {
            errors.Add("policy.wave_size must be 0 (one wave) or positive");
        }

        if (WaveFailureBudget is < 0)
        {
            errors.Add("policy.wave_failure_budget must be 0 or positive (unset = unlimited)");
        }

        return errors;
    }
}
