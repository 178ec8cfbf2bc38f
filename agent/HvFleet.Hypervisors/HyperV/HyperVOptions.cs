namespace HvFleet.Hypervisors.HyperV;

/// <summary>Settings of the Hyper-V backend (configuration section <c>HyperV</c>).</summary>
public sealed class HyperVOptions
{
    public const string SectionName = "HyperV";

    /// <summary>The WMI namespace. Default <c>root\virtualization\v2</c>.</summary>
    public string NamespacePath { get; set; } = @"root\virtualization\v2";

    /// <summary>The Hyper-V host; null or "." (default) is the local machine, where the agent is meant to run.</summary>
    public string? ComputerName { get; set; }

    /// <summary>
    /// How often a running Msvm_ConcreteJob is re-read. Default 250 ms (known clients poll every
    /// 100 ms to 1 s, reference §5.5). Must stay far below the job's 5-minute TimeBeforeRemoval.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Client-side limit on one Hyper-V job; the job is then terminated. Default 4 hours (large exports).</summary>
    public TimeSpan JobTimeout { get; set; } = TimeSpan.FromHours(4);

    /// <summary>How long a Terminate request (RequestStateChange 4) may take before Kill (5) is sent. Default 30 s.</summary>
    public TimeSpan CancelGracePeriod { get; set; } = TimeSpan.FromSeconds(30);
}
