namespace HvFleet.Orchestrator.Fanout;

/// <summary>Engine-wide settings (per-operation rules are in <see cref="Policy.FleetPolicy"/>).</summary>
public sealed class OrchestratorOptions
{
    public const string SectionName = "HvFleet:Orchestrator";

    /// <summary>How long an orchestrator's claim on a running operation lasts without renewal (default 30 s).
    /// Another orchestrator (or this one after a crash) takes the operation over once it expires.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Free at once the leases of an orchestrator on this machine whose process is gone (a crash), instead of
    /// waiting for them to expire (default true). Turn off to rely on lease expiry alone.</summary>
    public bool ReclaimLeasesOfGoneOwners { get; set; } = true;

    /// <summary>How often unfinished operations without a live owner are looked for (default 10 s).</summary>
    public TimeSpan ResumeInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Hosts listed at once while planning (default 64).</summary>
    public int PlanningParallelism { get; set; } = 64;

    /// <summary>Time one health probe of ListHosts may take (default 5 s).</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a probed host status is reused (default 30 s).</summary>
    public TimeSpan HostStatusTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Events buffered per watcher before the oldest are dropped (default 1024).</summary>
    public int WatchBufferSize { get; set; } = 1024;

    /// <summary>Time a best-effort CancelJob or cleanup call may take (default 10 s).</summary>
    public TimeSpan ControlCallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the orchestrator running an operation looks in the store for a cancel sent to another
    /// orchestrator (default 500 ms): such a cancel reaches the runner within this interval.</summary>
    public TimeSpan CancelPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often a watch of an operation run by another orchestrator reads it from the store (default 1 s).
    /// The watch follows it to its terminal state on whichever orchestrator it runs.</summary>
    public TimeSpan WatchPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait honoured when an agent refuses a call under a limit and says when to retry
    /// (RESOURCE_EXHAUSTED with <c>grpc-retry-pushback-ms</c>); a longer one is cut to this (default 2 min).</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Attempts of one task that an agent may refuse with a retry time without using up the policy's retries
    /// (default 100); later refusals count as ordinary retryable failures.</summary>
    public int MaxThrottledAttempts { get; set; } = 100;
}
