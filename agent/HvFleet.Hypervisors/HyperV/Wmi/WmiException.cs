namespace HvFleet.Hypervisors.HyperV.Wmi;

/// <summary>A failure of the WMI infrastructure itself (not a Hyper-V method's return value).</summary>
internal sealed class WmiException(WmiErrorKind kind, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public WmiErrorKind Kind { get; } = kind;
}
