using System.Management;

namespace HvFleet.Hypervisors.Tests.HyperV.RealHost;

/// <summary>
/// A fact that runs only on Windows with Hyper-V's WMI namespace present; elsewhere it is reported
/// as skipped (with the reason), never as passed. Set HVFLEET_HYPERV_TESTS=1 to opt in on a host,
/// since the tests create and delete checkpoints.
/// </summary>
public sealed class HyperVFactAttribute : FactAttribute
{
    public HyperVFactAttribute()
    {
        Skip = SkipReason();
    }

    private static string? SkipReason()
    {
        if (!OperatingSystem.IsWindows())
        {
            return "Needs Windows with Hyper-V (root\\virtualization\\v2); this is " + System.Runtime.InteropServices.RuntimeInformation.OSDescription + ".";
        }

        if (Environment.GetEnvironmentVariable("HVFLEET_HYPERV_TESTS") != "1")
        {
            return "Set HVFLEET_HYPERV_TESTS=1 to run against this host's Hyper-V (creates and deletes checkpoints).";
        }

        try
        {
            new ManagementScope(@"root\virtualization\v2").Connect();
            return null;
        }
        catch (ManagementException ex)
        {
            return "The Hyper-V WMI namespace is absent or not accessible: " + ex.Message;
        }
        catch (UnauthorizedAccessException ex)
        {
            return "Access to Hyper-V WMI was denied (join Hyper-V Administrators): " + ex.Message;
        }
    }
}
