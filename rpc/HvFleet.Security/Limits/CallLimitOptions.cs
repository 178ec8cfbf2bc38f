namespace HvFleet.Security.Limits;

/// <summary>Per-caller limits and message sizes (section "Security:Limits").</summary>
public sealed class CallLimitOptions
{
    public const string SectionName = "Security:Limits";

    /// <summary>Streaming calls one caller may have open at once (default 32).</summary>
    public int MaxConcurrentStreamsPerCaller { get; set; } = 32;

    /// <summary>Mutating calls one caller may start per minute (default 120).</summary>
    public int MaxMutatingCallsPerMinute { get; set; } = 120;

    /// <summary>Largest request message a service accepts (default 4 MiB; requests are small).</summary>
    public int MaxReceiveMessageBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest request to health and reflection (default 64 KiB).</summary>
    public int MaxInfrastructureReceiveMessageBytes { get; set; } = 64 * 1024;
}
