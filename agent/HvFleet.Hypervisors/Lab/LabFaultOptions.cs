namespace HvFleet.Hypervisors.Lab;

/// <summary>Latency and failure injection for lab operations.</summary>
public sealed class LabFaultOptions
{
    /// <summary>Delay added at the start of each operation (honours cancellation). Default zero.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    /// <summary>Probability in [0, 1] that an operation fails just before it commits. Default 0.</summary>
    public double FailureProbability { get; set; }

    /// <summary>The next N operations fail just before they commit. Default 0.</summary>
    public int FailNext { get; set; }

    /// <summary>Hyper-V code carried by injected failures. Default 32768 (Failed).</summary>
    public uint FailureCode { get; set; } = HyperVCodes.MsvmFailed;
}
