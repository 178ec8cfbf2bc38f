using HvFleet.Hypervisors;

namespace HvFleet.Agent.Jobs;

/// <summary>Why a job failed, with Hyper-V's numeric code and family unchanged.</summary>
internal sealed record JobError(uint HyperVCode, string Summary, string Description, HyperVCodeFamily Family)
{
    /// <summary>The failure exactly as the hypervisor reported it.</summary>
    public static JobError FromHypervisor(HypervisorException exception) =>
        new(exception.HyperVCode, exception.Summary, exception.Description, exception.Family);

    /// <summary>A failure raised by the agent itself (family "agent", code 2 = Failed).</summary>
    public static JobError Agent(string summary, string description) =>
        new(HyperVCodes.Failed, summary, description, HyperVCodeFamily.Agent);
}
