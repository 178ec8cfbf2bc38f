using System.Management;
using System.Runtime.Versioning;

namespace HvFleet.Hypervisors.HyperV.Wmi;

/// <summary>The production <see cref="IWmiConnection"/> over System.Management (classic WMI), reference §7.</summary>
[SupportedOSPlatform("windows")]
internal sealed class ManagementWmiConnection : IWmiConnection
{
    private readonly ManagementScope _scope;

    public ManagementWmiConnection(ManagementScope scope)
    {
        _scope = scope;
    }

    public IReadOnlyList<IWmiObject> Query(string wql) => Translate(() =>
    {
        using var searcher = new ManagementObjectSearcher(_scope, new ObjectQuery(wql));
        using var results = searcher.Get();
        return Wrap(results);
    });

    public IWmiObject? GetObject(string path)
    {
        try
        {
            var instance = new ManagementObject(_scope, new ManagementPath(path), null);
            instance.Get();
            return new ManagementWmiObject(instance);
        }
        catch (ManagementException ex) when (ex.ErrorCode == ManagementStatus.NotFound)
        {
            return null;
        }
        catch (ManagementException ex)
        {
            throw ManagementWmiObject.Translate(ex);
        }
    }

    public IReadOnlyList<IWmiObject> GetRelated(string path, string? associationClass, string? resultClass, string? role, string? resultRole) => Translate(() =>
    {
        using var source = new ManagementObject(_scope, new ManagementPath(path), null);
        using var related = source.GetRelated(resultClass, associationClass, null, null, resultRole, role, false, null);
        return Wrap(related);
    });

    public IWmiObject GetMethodParameters(string path, string methodName) => Translate(() =>
    {
        using var target = new ManagementObject(_scope, new ManagementPath(path), null);
        return (IWmiObject)new ManagementWmiObject(target.GetMethodParameters(methodName));
    });

    public IWmiObject InvokeMethod(string path, string methodName, IWmiObject? inParameters) => Translate(() =>
    {
        using var target = new ManagementObject(_scope, new ManagementPath(path), null);
        var input = inParameters is ManagementWmiObject wrapped
            ? wrapped.Inner
            : inParameters is null ? null : throw new ArgumentException("Parameters must come from this connection.", nameof(inParameters));
        return (IWmiObject)new ManagementWmiObject(target.InvokeMethod(methodName, input, null));
    });

    public IWmiObject CreateInstance(string className) => Translate(() =>
    {
        using var type = new ManagementClass(_scope, new ManagementPath(className), null);
        return (IWmiObject)new ManagementWmiObject(type.CreateInstance());
    });

    private static List<IWmiObject> Wrap(ManagementObjectCollection collection)
    {
        var list = new List<IWmiObject>();
        foreach (var item in collection)
        {
            list.Add(new ManagementWmiObject(item));
        }

        return list;
    }

    private static T Translate<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (ManagementException ex)
        {
            throw ManagementWmiObject.Translate(ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new WmiException(WmiErrorKind.AccessDenied, "Access denied to WMI; the agent's account must be in the Hyper-V Administrators group.", ex);
        }
    }
}
