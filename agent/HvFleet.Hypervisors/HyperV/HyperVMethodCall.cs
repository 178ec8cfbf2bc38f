using HvFleet.Hypervisors.HyperV.Wmi;

namespace HvFleet.Hypervisors.HyperV;

/// <summary>The outcome of one method call: its return value and out-parameters.</summary>
internal sealed record HyperVMethodCall(string Method, HyperVCodeFamily Family, uint ReturnValue, IWmiObject OutParameters)
{
    public bool StartedJob => ReturnValue == HyperVCodes.JobStarted;

    public string? JobPath => WmiValues.ToText(OutParameters["Job"]) is { Length: > 0 } path ? path : null;

    public HypervisorException Failure(string context) => new(
        HyperVValues.KindOf(ReturnValue, Family),
        ReturnValue,
        Family,
        $"{Method} returned {ReturnValue} ({HyperVCodes.Describe(ReturnValue, Family)}) for {context}.");
}
