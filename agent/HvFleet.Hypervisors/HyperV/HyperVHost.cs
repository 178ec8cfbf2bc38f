using System.Collections.Concurrent;
using HvFleet.Hypervisors.HyperV.Wmi;

namespace HvFleet.Hypervisors.HyperV;

/// <summary>
/// The Hyper-V host as the backend's parts see it through the WMI seam: finding VMs, VM groups
/// and checkpoints by our ids, the service singletons, and method calls decoded by their family.
/// </summary>
internal sealed class HyperVHost
{
    private readonly ConcurrentDictionary<string, string> _servicePaths = new(StringComparer.Ordinal);

    public HyperVHost(IWmiConnection connection)
    {
        Wmi = connection;
    }

    /// <summary>The WMI seam (Issue 14 puts Microsoft.Management.Infrastructure behind it).</summary>
    public IWmiConnection Wmi { get; }

    /// <summary>Invokes a service method; a return value other than 0 or 4096 throws, decoded by the method's family (§5.4).</summary>
    public HyperVMethodCall Invoke(string serviceClass, string method, HyperVCodeFamily family, string context, Action<IWmiObject> fill)
    {
        var servicePath = ServicePath(serviceClass);
        var inParameters = Wmi.GetMethodParameters(servicePath, method);
        fill(inParameters);
        var outParameters = Wmi.InvokeMethod(servicePath, method, inParameters);
        var returnValue = WmiValues.ToUInt32(outParameters["ReturnValue"])
            ?? throw new HypervisorException(HypervisorErrorKind.Failed, HyperVCodes.MsvmStatusUnknown, HyperVCodeFamily.Agent, $"{serviceClass}.{method} returned no ReturnValue.");
        var call = new HyperVMethodCall($"{serviceClass}.{method}", family, returnValue, outParameters);
        if (returnValue is not HyperVCodes.Completed and not HyperVCodes.JobStarted)
        {
            throw call.Failure(context);
        }

        return call;
    }

    /// <summary>
    /// A query over a class that older hosts lack: the VM-group classes exist from Windows 10 /
    /// Server 2016 on (reference §6.1); before that WMI answers "invalid class", which means "none".
    /// </summary>
    public IReadOnlyList<IWmiObject> QueryOptional(string wql)
    {
        try
        {
            return Wmi.Query(wql);
        }
        catch (WmiException ex) when (ex.Kind == WmiErrorKind.InvalidClass)
        {
            return [];
        }
    }

    public static IWmiObject? FirstOf(IReadOnlyList<IWmiObject> objects) => objects.Count > 0 ? objects[0] : null;

    /// <summary>Our snapshot id for a VSSD: its InstanceID without the "Microsoft:" prefix when the rest is a GUID.</summary>
    public static string SnapshotIdOf(string instanceId) =>
        instanceId.StartsWith(HyperVNames.InstanceIdPrefix, StringComparison.Ordinal) && IsGuid(instanceId[HyperVNames.InstanceIdPrefix.Length..])
            ? instanceId[HyperVNames.InstanceIdPrefix.Length..]
            : instanceId;

    public IWmiObject? FindVm(string vmId) =>
        IsGuid(vmId)
            ? Wmi.Query($"SELECT * FROM {HyperVNames.ComputerSystem} WHERE Name = {WmiValues.QuoteWql(vmId)}").FirstOrDefault(IsVirtualMachine)
            : null;

    public IWmiObject? FindCollection(string className, string collectionId) =>
        IsGuid(collectionId)
            ? FirstOf(QueryOptional($"SELECT * FROM {className} WHERE CollectionID = {WmiValues.QuoteWql(collectionId)}"))
            : null;

    /// <summary>A per-VM snapshot VSSD by our id (GUID, with or without the Microsoft: prefix).</summary>
    public IWmiObject? FindVmSnapshot(string snapshotId)
    {
        if (string.IsNullOrEmpty(snapshotId) || snapshotId.Length > 256)
        {
            return null;
        }

        var instanceId = IsGuid(snapshotId) ? HyperVNames.InstanceIdPrefix + snapshotId : snapshotId;
        return Wmi.Query($"SELECT * FROM {HyperVNames.VirtualSystemSettingData} WHERE InstanceID = {WmiValues.QuoteWql(instanceId)}")
            .FirstOrDefault(IsSnapshotSettings);
    }

    /// <summary>The VMs of a VM group (Msvm_CollectedVirtualSystems).</summary>
    public List<string> MemberVmIds(IWmiObject group) =>
        [.. Wmi.GetRelated(RequirePath(group), HyperVNames.CollectedVirtualSystems, HyperVNames.ComputerSystem, "Collection", "Member")
            .Where(IsVirtualMachine)
            .Select(vm => WmiValues.ToText(vm["Name"])!)];

    public static bool IsSnapshotSettings(IWmiObject settings) =>
        WmiValues.ToText(settings["VirtualSystemType"])?.StartsWith(HyperVNames.SnapshotTypePrefix, StringComparison.Ordinal) == true;

    /// <summary>
    /// The host is an Msvm_ComputerSystem too (reference §4.4): its Caption is "Hosting Computer System"
    /// and its Name the host name, where a VM's Name is its GUID.
    /// </summary>
    public static bool IsVirtualMachine(IWmiObject system) =>
        !string.Equals(WmiValues.ToText(system["Caption"]), HyperVNames.HostCaption, StringComparison.OrdinalIgnoreCase)
        && IsGuid(WmiValues.ToText(system["Name"]));

    public static string RequirePath(IWmiObject instance) =>
        instance.Path ?? throw new HypervisorException(HypervisorErrorKind.Failed, HyperVCodes.MsvmFailed, HyperVCodeFamily.Agent, $"{instance.ClassName} instance has no path.");

    public static string RequireJobPath(HyperVMethodCall call) =>
        call.JobPath ?? throw new HypervisorException(HypervisorErrorKind.Failed, HyperVCodes.MsvmStatusUnknown, HyperVCodeFamily.Agent, $"{call.Method} returned 4096 without a Job reference.");

    private static bool IsGuid(string? id) => Guid.TryParse(id, out _);

    /// <summary>The path of a service singleton (one instance per host, reference §7), cached.</summary>
    private string ServicePath(string className)
    {
        if (_servicePaths.TryGetValue(className, out var cached))
        {
            return cached;
        }

        var instance = FirstOf(QueryOptional("SELECT * FROM " + className))
            ?? throw new HypervisorException(
                HypervisorErrorKind.NotSupported,
                HyperVCodes.MsvmNotSupported,
                HyperVCodeFamily.Agent,
                $"{className} has no instance on this host; VM groups need Windows 10 / Server 2016 or later.");
        var path = instance.Path ?? throw new HypervisorException(HypervisorErrorKind.Failed, HyperVCodes.MsvmFailed, HyperVCodeFamily.Agent, $"{className} instance has no path.");
        _servicePaths[className] = path;
        return path;
    }
}
