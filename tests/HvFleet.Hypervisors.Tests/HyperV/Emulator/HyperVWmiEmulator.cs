using System.Globalization;
using System.Text.RegularExpressions;
using HvFleet.Hypervisors.HyperV.Wmi;

namespace HvFleet.Hypervisors.Tests.HyperV.Emulator;

/// <summary>
/// An in-memory root\virtualization\v2 (reference hyperv-wmi.md): the classes and associations of
/// VMs, VM groups, snapshots and jobs, service singletons, methods that validate their inputs like
/// Hyper-V and run as Msvm_ConcreteJobs over (fake) time, which vanish 5 minutes after they end.
/// </summary>
internal sealed partial class HyperVWmiEmulator : IWmiConnection, IWmiConnectionFactory
{
    public const string NamespacePath = @"root\virtualization\v2";

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<string, StoredInstance> _instances = new(StringComparer.Ordinal);
    private readonly List<StoredAssociation> _associations = [];
    private readonly Dictionary<string, EmulatedJob> _jobs = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Queue<JobPlan>> _plans = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Queue<uint>> _failures = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<MethodInvocation> _invocations = [];
    private readonly HashSet<string> _externalHolds = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ExportRecord> _exports = [];
    private readonly List<(string JobId, ushort RequestedState, uint ReturnValue)> _stateChanges = [];

    /// <summary>Classes and associations that Windows 10 / Server 2016 added (reference §6.1).</summary>
    private static readonly string[] VmGroupEraClasses =
    [
        "Msvm_VirtualSystemCollection", "Msvm_ManagementCollection", "Msvm_SnapshotCollection", "Msvm_ReferencePointCollection",
        "Msvm_CollectionSnapshotService", "Msvm_CollectionManagementService", "Msvm_CollectionSnapshotExportSettingData",
        "Msvm_VirtualSystemSnapshotSettingData", "Msvm_CollectedVirtualSystems", "Msvm_CollectedCollections",
        "Msvm_SnapshotOfVirtualSystemCollection", "Msvm_CollectedSnapshots",
    ];

    private readonly HashSet<string> _absentClasses = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="time">The (fake) clock jobs advance on.</param>
    /// <param name="hostName">The host's name (its Msvm_ComputerSystem Name).</param>
    /// <param name="vmGroups">False emulates a host older than Windows 10 / Server 2016: no VM-group classes.</param>
    public HyperVWmiEmulator(TimeProvider time, string hostName = "HV-HOST01", bool vmGroups = true)
    {
        _time = time;
        HostName = hostName;
        if (!vmGroups)
        {
            _absentClasses.UnionWith(VmGroupEraClasses);
        }

        Add("Msvm_ComputerSystem", new()
        {
            ["CreationClassName"] = "Msvm_ComputerSystem",
            ["Name"] = hostName,
            ["ElementName"] = hostName,
            ["Caption"] = "Hosting Computer System",
            ["Description"] = "Microsoft Hosting Computer System",
            ["EnabledState"] = (ushort)2,
        });
        foreach (var (service, name) in new[]
        {
            ("Msvm_CollectionSnapshotService", "Microsoft:CollectionSnapshotService"),
            ("Msvm_VirtualSystemSnapshotService", "vssnapsvc"),
            ("Msvm_VirtualSystemManagementService", "vmms"),
            ("Msvm_CollectionManagementService", "Microsoft:CollectionManagementService"),
        }.Where(s => !_absentClasses.Contains(s.Item1)))
        {
            Add(service, new()
            {
                ["CreationClassName"] = service,
                ["Name"] = name,
                ["SystemCreationClassName"] = "Msvm_ComputerSystem",
                ["SystemName"] = hostName,
                ["ElementName"] = name,
                ["EnabledState"] = (ushort)2,
            });
        }
    }

    public string HostName { get; }

    public CimSchema Schema => CimSchema.HyperV;

    /// <summary>False: the namespace is absent (no Hyper-V), connecting fails.</summary>
    public bool NamespaceAvailable { get; set; } = true;

    /// <summary>What group CreateSnapshot accepts as SnapshotSettings (reference §9).</summary>
    public CollectionSettingsAcceptance CollectionSnapshotSettings { get; set; }

    /// <summary>Whether group CreateSnapshot fills ResultingSnapshotCollection when it starts a job (reference §9); default: left empty.</summary>
    public bool FillResultingSnapshotCollection { get; set; }

    /// <summary>Whether finished jobs link what they created through Msvm_AffectedJobElement (inferred for groups, reference §1.1).</summary>
    public bool RecordAffectedElements { get; set; } = true;

    /// <summary>Collection export BackupIntent values accepted (documented 1/2, reference §2.1 and §9).</summary>
    public HashSet<ushort> AcceptedCollectionBackupIntents { get; } = [1, 2];

    /// <summary>Whether a second checkpoint of a VM while one runs fails with "in use" (32774).</summary>
    public bool ConcurrentSnapshotsConflict { get; set; } = true;

    /// <summary>Whether exports write their folders to disk.</summary>
    public bool WriteExportFiles { get; set; } = true;

    public TimeSpan DefaultJobDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long finished jobs remain (Msvm_ConcreteJob.TimeBeforeRemoval, reference §5.1).</summary>
    public static TimeSpan TimeBeforeRemoval { get; } = TimeSpan.FromMinutes(5);

    public IReadOnlyList<MethodInvocation> Invocations
    {
        get
        {
            lock (_lock)
            {
                return [.. _invocations];
            }
        }
    }

    public IReadOnlyList<ExportRecord> Exports
    {
        get
        {
            lock (_lock)
            {
                return [.. _exports];
            }
        }
    }

    public IReadOnlyList<(string JobId, ushort RequestedState, uint ReturnValue)> StateChangeRequests
    {
        get
        {
            lock (_lock)
            {
                return [.. _stateChanges];
            }
        }
    }

    public IWmiConnection Connect() =>
        NamespaceAvailable ? this : throw new WmiException(WmiErrorKind.InvalidNamespace, $"Invalid namespace {NamespacePath}.");

    /// <summary>The next job started by <paramref name="method"/> follows <paramref name="plan"/>.</summary>
    public void PlanNextJob(string method, JobPlan plan)
    {
        lock (_lock)
        {
            if (!_plans.TryGetValue(method, out var queue))
            {
                _plans[method] = queue = new Queue<JobPlan>();
            }

            queue.Enqueue(plan);
        }
    }

    /// <summary>The next call of <paramref name="method"/> returns <paramref name="returnValue"/> at once.</summary>
    public void FailNextCall(string method, uint returnValue)
    {
        lock (_lock)
        {
            if (!_failures.TryGetValue(method, out var queue))
            {
                _failures[method] = queue = new Queue<uint>();
            }

            queue.Enqueue(returnValue);
        }
    }

    // ---- seeding ------------------------------------------------------------------------------

    public string AddVm(string name, ushort enabledState = 2, string? id = null)
    {
        lock (_lock)
        {
            var vmId = id ?? Guid.NewGuid().ToString("D").ToUpperInvariant();
            Add("Msvm_ComputerSystem", new()
            {
                ["CreationClassName"] = "Msvm_ComputerSystem",
                ["Name"] = vmId,
                ["ElementName"] = name,
                ["Caption"] = "Virtual Machine",
                ["Description"] = "Microsoft Virtual Machine",
                ["EnabledState"] = enabledState,
            });
            Add("Msvm_VirtualSystemSettingData", new()
            {
                ["InstanceID"] = "Microsoft:" + vmId,
                ["ElementName"] = name,
                ["VirtualSystemIdentifier"] = vmId,
                ["VirtualSystemType"] = "Microsoft:Hyper-V:System:Realized",
                ["CreationTime"] = WmiValues.FromDateTime(_time.GetUtcNow()),
            });
            Associate("Msvm_SettingsDefineState", VmPath(vmId), PathOf("Msvm_VirtualSystemSettingData", ("InstanceID", "Microsoft:" + vmId)));
            return vmId;
        }
    }

    public void SetVmState(string vmId, ushort enabledState)
    {
        lock (_lock)
        {
            Stored(VmPath(vmId))!.Values["EnabledState"] = enabledState;
        }
    }

    public string AddGroup(string name, params string[] vmIds)
    {
        lock (_lock)
        {
            var id = Guid.NewGuid().ToString("D").ToUpperInvariant();
            var path = Add("Msvm_VirtualSystemCollection", new() { ["CollectionID"] = id, ["ElementName"] = name });
            foreach (var vmId in vmIds)
            {
                Associate("Msvm_CollectedVirtualSystems", path, VmPath(vmId));
            }

            return id;
        }
    }

    public string AddManagementGroup(string name, params string[] groupIds)
    {
        lock (_lock)
        {
            var id = Guid.NewGuid().ToString("D").ToUpperInvariant();
            var path = Add("Msvm_ManagementCollection", new() { ["CollectionID"] = id, ["ElementName"] = name });
            foreach (var groupId in groupIds)
            {
                Associate("Msvm_CollectedCollections", path, PathOf("Msvm_VirtualSystemCollection", ("CollectionID", groupId)));
            }

            return id;
        }
    }

    /// <summary>A sample host: three groups of two to four running VMs, and one VM in no group.</summary>
    public static HyperVWmiEmulator CreateSample(TimeProvider time)
    {
        var emulator = new HyperVWmiEmulator(time);
        var web = Enumerable.Range(1, 2).Select(i => emulator.AddVm($"web-{i:D2}")).ToArray();
        var db = Enumerable.Range(1, 3).Select(i => emulator.AddVm($"db-{i:D2}")).ToArray();
        var app = Enumerable.Range(1, 4).Select(i => emulator.AddVm($"app-{i:D2}", i == 4 ? (ushort)3 : (ushort)2)).ToArray();
        emulator.AddVm("standalone-01");
        emulator.AddGroup("web", web);
        emulator.AddGroup("db", db);
        emulator.AddGroup("app", app);
        return emulator;
    }

    /// <summary>The state of a job by InstanceID, or null once it was removed.</summary>
    public ushort? JobState(string instanceId)
    {
        lock (_lock)
        {
            Pump();
            return _jobs.TryGetValue(instanceId, out var job) && !job.Removed ? job.State : null;
        }
    }

    public IReadOnlyList<string> JobIds
    {
        get
        {
            lock (_lock)
            {
                return [.. _jobs.Keys];
            }
        }
    }

    // ---- IWmiConnection -----------------------------------------------------------------------

    public IReadOnlyList<IWmiObject> Query(string wql)
    {
        var match = SelectPattern().Match(wql);
        if (!match.Success)
        {
            throw new WmiException(WmiErrorKind.InvalidQuery, $"Invalid query: {wql}");
        }

        var className = match.Groups["class"].Value;
        var cimClass = Find(className) ?? throw new WmiException(WmiErrorKind.InvalidClass, $"Invalid class: {className}");
        var conditions = new List<(string Property, string Value)>();
        if (match.Groups["where"].Success)
        {
            foreach (var condition in AndPattern().Split(match.Groups["where"].Value))
            {
                var parts = ConditionPattern().Match(condition);
                if (!parts.Success || cimClass.Property(parts.Groups["prop"].Value) is null)
                {
                    throw new WmiException(WmiErrorKind.InvalidQuery, $"Invalid query: {wql} (condition '{condition}')");
                }

                conditions.Add((parts.Groups["prop"].Value, Unquote(parts.Groups["value"].Value)));
            }
        }

        lock (_lock)
        {
            Pump();
            return [.. _instances.Values
                .Where(i => Schema.IsA(i.Class.Name, cimClass.Name))
                .Where(i => conditions.All(c => string.Equals(Format(i.Values.GetValueOrDefault(c.Property)), c.Value, StringComparison.OrdinalIgnoreCase)))
                .Select(Bind)];
        }
    }

    public IWmiObject? GetObject(string path)
    {
        lock (_lock)
        {
            Pump();
            return Stored(path) is { } stored ? Bind(stored) : null;
        }
    }

    public IReadOnlyList<IWmiObject> GetRelated(string path, string? associationClass, string? resultClass, string? role, string? resultRole)
    {
        if (associationClass is not null && Find(associationClass)?.Roles is null)
        {
            throw new WmiException(WmiErrorKind.InvalidClass, $"Invalid class: {associationClass} is not an association.");
        }

        if (resultClass is not null && Find(resultClass) is null)
        {
            throw new WmiException(WmiErrorKind.InvalidClass, $"Invalid class: {resultClass}");
        }

        lock (_lock)
        {
            Pump();
            var source = Stored(path) ?? throw new WmiException(WmiErrorKind.NotFound, $"Not found: {path}");
            var results = new List<IWmiObject>();
            foreach (var association in _associations)
            {
                if (associationClass is not null && !string.Equals(association.ClassName, associationClass, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                foreach (var (sourceRole, sourceKey, otherRole, otherKey) in association.Ends())
                {
                    if (sourceKey != source.Key
                        || (role is not null && !string.Equals(role, sourceRole, StringComparison.OrdinalIgnoreCase))
                        || (resultRole is not null && !string.Equals(resultRole, otherRole, StringComparison.OrdinalIgnoreCase))
                        || !_instances.TryGetValue(otherKey, out var other)
                        || (resultClass is not null && !Schema.IsA(other.Class.Name, resultClass)))
                    {
                        continue;
                    }

                    results.Add(Bind(other));
                }
            }

            return results;
        }
    }

    public IWmiObject GetMethodParameters(string path, string methodName)
    {
        lock (_lock)
        {
            var target = Stored(path) ?? throw new WmiException(WmiErrorKind.NotFound, $"Not found: {path}");
            var method = target.Class.Methods.GetValueOrDefault(methodName)
                ?? throw new WmiException(WmiErrorKind.InvalidMethod, $"Invalid method: {target.Class.Name}.{methodName}");
            return EmulatedObject.Parameters(method, output: false);
        }
    }

    public IWmiObject CreateInstance(string className)
    {
        var cimClass = Find(className) ?? throw new WmiException(WmiErrorKind.InvalidClass, $"Invalid class: {className}");
        return EmulatedObject.ClientInstance(cimClass);
    }

    public IWmiObject InvokeMethod(string path, string methodName, IWmiObject? inParameters)
    {
        lock (_lock)
        {
            Pump();
            var target = Stored(path) ?? throw new WmiException(WmiErrorKind.NotFound, $"Not found: {path}");
            var method = target.Class.Methods.GetValueOrDefault(methodName)
                ?? throw new WmiException(WmiErrorKind.InvalidMethod, $"Invalid method: {target.Class.Name}.{methodName}");
            Dictionary<string, object?> input;
            if (inParameters is null)
            {
                input = new(StringComparer.OrdinalIgnoreCase);
            }
            else if (inParameters is EmulatedObject { Method: { } made } parameters && made == method)
            {
                input = new(parameters.Values, StringComparer.OrdinalIgnoreCase);
            }
            else
            {
                throw new WmiException(WmiErrorKind.InvalidMethod, $"Invalid method parameters: not made for {target.Class.Name}.{methodName}.");
            }

            var output = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            var call = new Call(target, method, input, output);
            uint returnValue;
            if (_failures.TryGetValue(methodName, out var failures) && failures.Count > 0)
            {
                returnValue = failures.Dequeue();
                call.Error = "injected failure";
            }
            else
            {
                returnValue = Dispatch(call);
            }

            output["ReturnValue"] = returnValue;
            _invocations.Add(new MethodInvocation(target.Class.Name, method.Name, input, new Dictionary<string, object?>(output, StringComparer.OrdinalIgnoreCase), returnValue, call.Error));
            return EmulatedObject.Parameters(method, output: true, output);
        }
    }

    /// <summary>A class of this host's namespace; null when it does not exist here.</summary>
    private CimClass? Find(string className) => _absentClasses.Contains(className) ? null : Schema.Find(className);

    private uint Dispatch(Call call) => (call.Target.Class.Name, call.Method.Name) switch
    {
        ("Msvm_CollectionSnapshotService", "CreateSnapshot") => CreateCollectionSnapshot(call),
        ("Msvm_CollectionSnapshotService", "ExportSnapshot") => ExportCollectionSnapshot(call),
        ("Msvm_CollectionSnapshotService", "DestroySnapshot") => DestroyCollectionSnapshot(call),
        ("Msvm_VirtualSystemSnapshotService", "CreateSnapshot") => CreateVmSnapshot(call),
        ("Msvm_VirtualSystemSnapshotService", "DestroySnapshot") => DestroyVmSnapshot(call),
        ("Msvm_VirtualSystemManagementService", "ExportSystemDefinition") => ExportSystemDefinition(call),
        ("Msvm_VirtualSystemManagementService", "ModifySystemSettings") => ModifySystemSettings(call),
        ("Msvm_ConcreteJob", "GetErrorEx") => GetErrorEx(call),
        ("Msvm_ConcreteJob", "GetError") => GetError(call),
        ("Msvm_ConcreteJob", "RequestStateChange") => RequestJobStateChange(call),
        _ => call.Fail(call.Method.ClassName.StartsWith("Msvm_VirtualSystemManagement", StringComparison.Ordinal) ? 32770u : 1u, "not emulated"),
    };

    // ---- store --------------------------------------------------------------------------------

    internal Dictionary<string, object?> Reload(string path)
    {
        lock (_lock)
        {
            Pump();
            var stored = Stored(path) ?? throw new WmiException(WmiErrorKind.NotFound, $"Not found: {path}");
            return new Dictionary<string, object?>(stored.Values, StringComparer.OrdinalIgnoreCase);
        }
    }

    private EmulatedObject Bind(StoredInstance stored) =>
        EmulatedObject.Bound(this, stored.Class, new Dictionary<string, object?>(stored.Values, StringComparer.OrdinalIgnoreCase), stored.FullPath, stored.RelativePath);

    private StoredInstance? Stored(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        string key;
        try
        {
            key = ObjectPath.Normalize(path);
        }
        catch (WmiException)
        {
            return null;
        }

        return _instances.GetValueOrDefault(key);
    }

    private string Add(string className, Dictionary<string, object?> values)
    {
        var cimClass = Schema.Find(className)!;
        var typed = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in values)
        {
            typed[name] = (cimClass.Property(name) ?? throw new InvalidOperationException($"{className} has no {name}")).Coerce(value);
        }

        var relative = ObjectPath.Relative(className, cimClass.Keys.Select(k => KeyValuePair.Create(k, Format(typed.GetValueOrDefault(k)) ?? string.Empty)));
        var stored = new StoredInstance(cimClass, typed, ObjectPath.Full(HostName, NamespacePath, relative), relative, ObjectPath.Normalize(relative));
        _instances[stored.Key] = stored;
        return stored.FullPath;
    }

    private void Remove(string path)
    {
        if (Stored(path) is { } stored)
        {
            _instances.Remove(stored.Key);
            _associations.RemoveAll(a => a.FirstKey == stored.Key || a.SecondKey == stored.Key);
        }
    }

    private void Associate(string associationClass, string firstPath, string secondPath)
    {
        var cimClass = Schema.Find(associationClass)!;
        var (first, second) = cimClass.Roles!.Value;
        _associations.Add(new StoredAssociation(cimClass.Name, first, ObjectPath.Normalize(firstPath), second, ObjectPath.Normalize(secondPath)));
    }

    private string PathOf(string className, params (string Key, string Value)[] keys) =>
        ObjectPath.Full(HostName, NamespacePath, ObjectPath.Relative(className, keys.Select(k => KeyValuePair.Create(k.Key, k.Value))));

    private string VmPath(string vmId) => PathOf("Msvm_ComputerSystem", ("CreationClassName", "Msvm_ComputerSystem"), ("Name", vmId));

    private IEnumerable<StoredInstance> Related(StoredInstance source, string associationClass, string sourceRole)
    {
        foreach (var association in _associations.Where(a => a.ClassName == associationClass).ToList())
        {
            foreach (var (role, key, _, otherKey) in association.Ends())
            {
                if (role == sourceRole && key == source.Key && _instances.TryGetValue(otherKey, out var other))
                {
                    yield return other;
                }
            }
        }
    }

    private static string? Format(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "TRUE" : "FALSE",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static string Unquote(string literal)
    {
        if (literal.Length >= 2 && (literal[0] == '\'' || literal[0] == '"'))
        {
            var body = literal[1..^1];
            var text = new System.Text.StringBuilder(body.Length);
            for (var i = 0; i < body.Length; i++)
            {
                if (body[i] == '\\' && i + 1 < body.Length)
                {
                    i++;
                }

                text.Append(body[i]);
            }

            return text.ToString();
        }

        return literal;
    }

    [GeneratedRegex(@"^\s*SELECT\s+\*\s+FROM\s+(?<class>\w+)(\s+WHERE\s+(?<where>.+?))?\s*$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex SelectPattern();

    [GeneratedRegex(@"\s+AND\s+", RegexOptions.IgnoreCase)]
    private static partial Regex AndPattern();

    [GeneratedRegex(@"^\s*(?<prop>\w+)\s*=\s*(?<value>'(?:[^'\\]|\\.)*'|""(?:[^""\\]|\\.)*""|\d+)\s*$")]
    private static partial Regex ConditionPattern();

    private sealed record StoredInstance(CimClass Class, Dictionary<string, object?> Values, string FullPath, string RelativePath, string Key);

    private sealed record StoredAssociation(string ClassName, string FirstRole, string FirstKey, string SecondRole, string SecondKey)
    {
        public IEnumerable<(string Role, string Key, string OtherRole, string OtherKey)> Ends()
        {
            yield return (FirstRole, FirstKey, SecondRole, SecondKey);
            yield return (SecondRole, SecondKey, FirstRole, FirstKey);
        }
    }

    /// <summary>One method call being handled.</summary>
    private sealed class Call(StoredInstance target, CimMethod method, Dictionary<string, object?> input, Dictionary<string, object?> output)
    {
        public StoredInstance Target { get; } = target;

        public CimMethod Method { get; } = method;

        public Dictionary<string, object?> In { get; } = input;

        public Dictionary<string, object?> Out { get; } = output;

        public string? Error { get; set; }

        public uint Fail(uint code, string why)
        {
            Error = why;
            return code;
        }

        public string? Text(string name) => In.GetValueOrDefault(name) as string;
    }
}
