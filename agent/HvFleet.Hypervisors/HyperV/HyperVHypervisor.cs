using System.Collections.Concurrent;
using HvFleet.Hypervisors.HyperV.Wmi;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HvFleet.Hypervisors.HyperV;

/// <summary>
/// <see cref="IHypervisor"/> over Hyper-V's WMI v2 provider (reference hyperv-wmi.md). Every
/// Hyper-V return value and job ErrorCode reaches the caller unchanged in a <see cref="HypervisorException"/>.
/// </summary>
internal sealed partial class HyperVHypervisor : IHypervisor
{
    private readonly IWmiConnectionFactory _connectionFactory;
    private readonly HyperVOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<HyperVHypervisor> _logger;
    private readonly HyperVJobFollower _jobs;
    private readonly Lock _connectLock = new();
    private readonly ConcurrentDictionary<string, string> _servicePaths = new(StringComparer.Ordinal);
    private readonly KeyedLocks _locks = new();
    private IWmiConnection? _connection;

    /// <summary>What the host's group CreateSnapshot accepted as SnapshotSettings (reference §9); learnt once per host.</summary>
    private volatile CollectionSettingsMode _collectionSettingsMode = CollectionSettingsMode.Unknown;

    public HyperVHypervisor(IWmiConnectionFactory connectionFactory, IOptions<HyperVOptions> options, TimeProvider time, ILogger<HyperVHypervisor> logger)
    {
        _connectionFactory = connectionFactory;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _jobs = new HyperVJobFollower(this, _options, time, logger);
    }

    internal enum CollectionSettingsMode
    {
        Unknown = 0,
        EmptyString = 1,
        EmbeddedSettings = 2,
    }

    /// <summary>What group snapshots' SnapshotSettings the host was found to accept (for tests and diagnostics).</summary>
    internal CollectionSettingsMode LearntCollectionSettingsMode => _collectionSettingsMode;

    internal IWmiConnection Connection
    {
        get
        {
            lock (_connectLock)
            {
                return _connection ??= _connectionFactory.Connect();
            }
        }
    }

    public Task<HypervisorInfo> GetInfoAsync(CancellationToken cancellationToken) => Guard(() =>
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Same names as the lab backend; VM groups need Windows 10 / Server 2016 (reference §6.1).
        var capabilities = new List<string> { "snapshot.vm", "snapshot.standard", "snapshot.recovery", "export", "export.differential", "export.runtime-state", "delete", "job.resume" };
        if (QueryOptional("SELECT * FROM " + HyperVNames.CollectionSnapshotService).Count > 0)
        {
            capabilities.Insert(0, "snapshot.collection");
        }

        var version = typeof(HyperVHypervisor).Assembly.GetName().Version?.ToString() ?? "0.0.0";
        return new HypervisorInfo(HypervisorKind.HyperV, $"{version} (wmi {_options.NamespacePath})", capabilities);
    });

    /// <summary>Runs a WMI-using body, translating infrastructure failures into <see cref="HypervisorException"/>.</summary>
    private static Task<T> Guard<T>(Func<T> body)
    {
        try
        {
            return Task.FromResult(body());
        }
        catch (WmiException ex)
        {
            return Task.FromException<T>(Translate(ex));
        }
    }

    private static async Task<T> GuardAsync<T>(Func<Task<T>> body)
    {
        try
        {
            return await body();
        }
        catch (WmiException ex)
        {
            throw Translate(ex);
        }
    }

    internal static HypervisorException Translate(WmiException ex) => ex.Kind switch
    {
        WmiErrorKind.AccessDenied => new HypervisorException(HypervisorErrorKind.AccessDenied, HyperVCodes.MsvmAccessDenied, HyperVCodeFamily.Agent, ex.Message, ex),
        WmiErrorKind.InvalidNamespace or WmiErrorKind.InvalidClass => new HypervisorException(
            HypervisorErrorKind.NotSupported,
            HyperVCodes.MsvmNotSupported,
            HyperVCodeFamily.Agent,
            "The Hyper-V WMI provider lacks what this needs (is Hyper-V installed, Windows 10 / Server 2016 or later?): " + ex.Message,
            ex),
        _ => new HypervisorException(HypervisorErrorKind.Failed, HyperVCodes.MsvmFailed, HyperVCodeFamily.Agent, "WMI call failed: " + ex.Message, ex),
    };

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

    /// <summary>Invokes a service method; a return value other than 0 or 4096 throws, decoded by the method's family (§5.4).</summary>
    private MethodCall Invoke(string serviceClass, string method, HyperVCodeFamily family, string context, Action<IWmiObject> fill)
    {
        var servicePath = ServicePath(serviceClass);
        var inParameters = Connection.GetMethodParameters(servicePath, method);
        fill(inParameters);
        var outParameters = Connection.InvokeMethod(servicePath, method, inParameters);
        var returnValue = WmiValues.ToUInt32(outParameters["ReturnValue"])
            ?? throw new HypervisorException(HypervisorErrorKind.Failed, HyperVCodes.MsvmStatusUnknown, HyperVCodeFamily.Agent, $"{serviceClass}.{method} returned no ReturnValue.");
        var call = new MethodCall($"{serviceClass}.{method}", family, returnValue, outParameters);
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
    private IReadOnlyList<IWmiObject> QueryOptional(string wql)
    {
        try
        {
            return Connection.Query(wql);
        }
        catch (WmiException ex) when (ex.Kind == WmiErrorKind.InvalidClass)
        {
            return [];
        }
    }

    internal static IWmiObject? FirstOf(IReadOnlyList<IWmiObject> objects) => objects.Count > 0 ? objects[0] : null;

    private static bool IsGuid(string? id) => Guid.TryParse(id, out _);

    /// <summary>Our snapshot id for a VSSD: its InstanceID without the "Microsoft:" prefix when the rest is a GUID.</summary>
    internal static string SnapshotIdOf(string instanceId) =>
        instanceId.StartsWith(HyperVNames.InstanceIdPrefix, StringComparison.Ordinal) && IsGuid(instanceId[HyperVNames.InstanceIdPrefix.Length..])
            ? instanceId[HyperVNames.InstanceIdPrefix.Length..]
            : instanceId;

    private IWmiObject? FindVm(string vmId) =>
        IsGuid(vmId)
            ? Connection.Query($"SELECT * FROM {HyperVNames.ComputerSystem} WHERE Name = {WmiValues.QuoteWql(vmId)}").FirstOrDefault(IsVirtualMachine)
            : null;

    private IWmiObject? FindCollection(string className, string collectionId) =>
        IsGuid(collectionId)
            ? FirstOf(QueryOptional($"SELECT * FROM {className} WHERE CollectionID = {WmiValues.QuoteWql(collectionId)}"))
            : null;

    /// <summary>A per-VM snapshot VSSD by our id (GUID, with or without the Microsoft: prefix).</summary>
    private IWmiObject? FindVmSnapshot(string snapshotId)
    {
        if (string.IsNullOrEmpty(snapshotId) || snapshotId.Length > 256)
        {
            return null;
        }

        var instanceId = IsGuid(snapshotId) ? HyperVNames.InstanceIdPrefix + snapshotId : snapshotId;
        return Connection.Query($"SELECT * FROM {HyperVNames.VirtualSystemSettingData} WHERE InstanceID = {WmiValues.QuoteWql(instanceId)}")
            .FirstOrDefault(IsSnapshotSettings);
    }

    private static bool IsSnapshotSettings(IWmiObject settings) =>
        WmiValues.ToText(settings["VirtualSystemType"])?.StartsWith(HyperVNames.SnapshotTypePrefix, StringComparison.Ordinal) == true;

    /// <summary>
    /// The host is an Msvm_ComputerSystem too (reference §4.4): its Caption is "Hosting Computer System"
    /// and its Name the host name, where a VM's Name is its GUID.
    /// </summary>
    private static bool IsVirtualMachine(IWmiObject system) =>
        !string.Equals(WmiValues.ToText(system["Caption"]), HyperVNames.HostCaption, StringComparison.OrdinalIgnoreCase)
        && IsGuid(WmiValues.ToText(system["Name"]));

    private static string RequirePath(IWmiObject instance) =>
        instance.Path ?? throw new HypervisorException(HypervisorErrorKind.Failed, HyperVCodes.MsvmFailed, HyperVCodeFamily.Agent, $"{instance.ClassName} instance has no path.");

    /// <summary>The outcome of one method call: its return value and out-parameters.</summary>
    private sealed record MethodCall(string Method, HyperVCodeFamily Family, uint ReturnValue, IWmiObject OutParameters)
    {
        public bool StartedJob => ReturnValue == HyperVCodes.JobStarted;

        public string? JobPath => WmiValues.ToText(OutParameters["Job"]) is { Length: > 0 } path ? path : null;

        public HypervisorException Failure(string context) => new(
            HyperVValues.KindOf(ReturnValue, Family),
            ReturnValue,
            Family,
            $"{Method} returned {ReturnValue} ({HyperVCodes.Describe(ReturnValue, Family)}) for {context}.");
    }
}
