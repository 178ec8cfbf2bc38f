namespace HvFleet.Security.Limits;

/// <summary>Per-caller limits and message sizes (section "Security:Limits"). Orchestrators (certificates marked
/// <c>hvfleet:usage:orchestrator</c>, see <see cref="Authorization.FleetUsages"/>) have their own, higher limits;
/// every other caller, whatever its role, has the per-caller ones.</summary>
public sealed class CallLimitOptions
{
    public const string SectionName = "Security:Limits";

    /// <summary>Streaming calls one caller may have open at once (default 32).</summary>
    public int MaxConcurrentStreamsPerCaller { get; set; } = 32;

    /// <summary>Mutating calls one caller may start per minute (default 120).</summary>
    public int MaxMutatingCallsPerMinute { get; set; } = 120;

    /// <summary>Streaming calls an orchestrator (a certificate marked <c>hvfleet:usage:orchestrator</c>) may have open at
    /// once (default 1024: it follows every job it runs on the host).</summary>
    public int OrchestratorMaxConcurrentStreams { get; set; } = 1024;

    /// <summary>Mutating calls an orchestrator may start per minute (default 6000). Fleet work sends one per target and
    /// per retry or cancel (a per-VM snapshot of a 200-VM host is 200); beyond the limit the orchestrator waits for the
    /// time the refusal names (<see cref="RetryPushback"/>) and goes on, slower, instead of failing.</summary>
    public int OrchestratorMaxMutatingCallsPerMinute { get; set; } = 6000;

    /// <summary>Largest request message a service accepts (default 4 MiB; requests are small).</summary>
    public int MaxReceiveMessageBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest request to health and reflection (default 64 KiB).</summary>
    public int MaxInfrastructureReceiveMessageBytes { get; set; } = 64 * 1024;
}
