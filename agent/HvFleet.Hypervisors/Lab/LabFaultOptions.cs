namespace HvFleet.Hypervisors.Lab;

/// <summary>Latency and failure injection for lab operations.</summary>
public sealed class LabFaultOptions
{
    /// <summary>Delay added at the start of each operation (honours cancellation). Default zero.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Delay added after an operation has committed its work (the checkpoint is listed, the export
    /// is in place) and before it returns to the caller; not cancellable, the work is done. It
    /// widens the window in which a crash leaves the hypervisor's work done while the agent has
    /// not yet recorded its job as completed (chaos tests kill the agent there). Default zero.
    /// </summary>
    public TimeSpan DelayAfterCommit { get; set; } = TimeSpan.Zero;

    /// <summary>Probability in [0, 1] that an operation fails just before it commits. Default 0.</summary>
    public double FailureProbability { get; set; }

    /// <summary>The next N operations fail just before they commit. Default 0.</summary>
    public int FailNext { get; set; }

    /// <summary>Hyper-V code carried by injected failures. Default 32768 (Failed).</summary>
    public uint FailureCode { get; set; } = HyperVCodes.MsvmFailed;
}
