using System.Management;
using System.Runtime.Versioning;
using Microsoft.Extensions.Options;

namespace HvFleet.Hypervisors.HyperV.Wmi;

/// <summary>Connects to the configured namespace on the local (or a remote) host.</summary>
[SupportedOSPlatform("windows")]
internal sealed class ManagementWmiConnectionFactory(IOptions<HyperVOptions> options) : IWmiConnectionFactory
{
    public IWmiConnection Connect()
    {
        var settings = options.Value;
        var path = string.IsNullOrEmpty(settings.ComputerName) || settings.ComputerName == "."
            ? settings.NamespacePath
            : $@"\\{settings.ComputerName}\{settings.NamespacePath}";
        var scope = new ManagementScope(path, new ConnectionOptions { EnablePrivileges = true });
        try
        {
            scope.Connect();
        }
        catch (ManagementException ex)
        {
            throw ManagementWmiObject.Translate(ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new WmiException(WmiErrorKind.AccessDenied, $"Access denied to {path}; the agent's account must be in the Hyper-V Administrators group.", ex);
        }

        return new ManagementWmiConnection(scope);
    }
}
