using System.Management;

namespace HvFleet.Hypervisors.Tests.HyperV.RealHost;

/// <summary>
/// A fact that runs only on Windows with Hyper-V's WMI namespace present; elsewhere it is reported
/// as skipped (with the reason), never as passed. Tests that change the host (create and delete a
/// checkpoint) also need HVFLEET_HYPERV_TESTS=1.
/// </summary>
public sealed class HyperVFactAttribute : FactAttribute
{
    /// <param name="changesHost">The test creates or deletes something on the host.</param>
    public HyperVFactAttribute(bool changesHost = false)
    {
        Skip = SkipReason(changesHost);
    }

    private static string? SkipReason(bool changesHost)
    {
        if (!OperatingSystem.IsWindows())
        {
            return "Needs Windows with Hyper-V (root\\virtualization\\v2); this is " + System.Runtime.InteropServices.RuntimeInformation.OSDescription + ".";
        }

        if (changesHost && Environment.GetEnvironmentVariable("HVFLEET_HYPERV_TESTS") != "1")
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
