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
}
