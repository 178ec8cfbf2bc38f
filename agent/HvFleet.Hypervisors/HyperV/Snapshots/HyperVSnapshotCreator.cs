using HvFleet.Hypervisors.HyperV.Jobs;
using HvFleet.Hypervisors.HyperV.Wmi;
using Microsoft.Extensions.Logging;

namespace HvFleet.Hypervisors.HyperV.Snapshots;

/// <summary>
/// Creates Hyper-V checkpoints: of a VM group (Msvm_CollectionSnapshotService) or of VMs one by
/// one (Msvm_VirtualSystemSnapshotService), names them and records the job's identity on them,
/// and finishes an interrupted one after an agent restart.
/// </summary>
internal sealed partial class HyperVSnapshotCreator
{
    /// <summary>Hyper-V's limit on a checkpoint name (VSSD ElementName, reference §3.3).</summary>
    private const int MaxSnapshotNameLength = 100;

    private readonly HyperVHost _host;
    private readonly HyperVJobFollower _jobs;
    private readonly KeyedLocks _locks;
    private readonly HyperVSnapshotLabeller _labeller;
    private readonly ILogger _logger;

    /// <summary>What the host's group CreateSnapshot accepted as SnapshotSettings (reference §9); learnt once per host.</summary>
    private volatile CollectionSettingsMode _collectionSettingsMode = CollectionSettingsMode.Unknown;

    public HyperVSnapshotCreator(HyperVHost host, HyperVJobFollower jobs, KeyedLocks locks, HyperVSnapshotLabeller labeller, ILogger logger)
    {
        _host = host;
        _jobs = jobs;
        _locks = locks;
        _labeller = labeller;
        _logger = logger;
    }

    /// <summary>What group snapshots' SnapshotSettings the host was found to accept (for tests and diagnostics).</summary>
    public CollectionSettingsMode LearntCollectionSettingsMode => _collectionSettingsMode;

    public async Task<OperationResult> CreateSnapshotAsync(SnapshotRequest request, IOperationObserver observer, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (request.Name is { Length: > MaxSnapshotNameLength })
        {
            throw HypervisorException.InvalidParameter($"Snapshot name is {request.Name.Length} characters long; Hyper-V allows at most {MaxSnapshotNameLength}.");
        }

        if (!Enum.IsDefined(request.Kind))
        {
            throw HypervisorException.InvalidParameter($"Unknown snapshot kind {(int)request.Kind}; expected Standard (1) or Recovery (2).");
        }

        var progress = new ProgressObserver(observer);
        if (request.Target.IsCollection)
        {
            var collectionResult = await CreateCollectionSnapshotAsync(request, request.Target.CollectionId!, progress, cancellationToken);
            progress.Complete();
            return collectionResult;
        }

        if (request.Target.VmIds.Count == 0)
        {
            throw HypervisorException.InvalidParameter("The snapshot target names no collection and no VM.");
        }

        // Resolve every VM first, so that an unknown id fails before anything is checkpointed.
        foreach (var id in request.Target.VmIds)
        {
            _ = _host.FindVm(id) ?? throw HypervisorException.NotFound($"Virtual machine '{id}' not found.");
        }

        var state = new HyperVResumeState
        {
            Target = request.Target.VmIds[0],
            Steps = request.Target.VmIds,
            Kind = request.Kind,
            Consistency = request.Consistency,
            Name = request.Name,
            Origin = request.Origin,
        };
        var result = await SnapshotVmsFromAsync(state, 0, [], [], progress, cancellationToken);
        progress.Complete();
        return result;
    }

    /// <summary>Finishes a checkpoint: the interrupted job, its name, and the VMs after it.</summary>
    public async Task<OperationResult> ResumeAsync(IWmiObject job, string instanceId, HyperVResumeState state, ProgressObserver progress, CancellationToken cancellationToken)
    {
        if (state.Steps is { Count: > 0 } vmIds)
        {
            progress.Step(state.Step, vmIds.Count);
        }

        var completion = await _jobs.FollowBoundAsync(job, instanceId, progress, cancellationToken);
        var warnings = new List<string>(completion.Warnings);
        if (state.Steps is null)
        {
            var created = CreatedSnapshotIds(completion.JobPath);
            foreach (var id in created)
            {
                await _labeller.LabelCollectionSnapshotAsync(id, state.Name, state.Origin, warnings, cancellationToken);
            }

            return new OperationResult(created, Warnings: warnings);
        }

        var done = new List<string>(state.Done ?? []) { await _labeller.LabelVmSnapshotAsync(CreatedVmSnapshotPath(completion.JobPath), state.Target, state.Name, state.Origin, warnings, cancellationToken) };
        return await SnapshotVmsFromAsync(state, state.Step + 1, done, warnings, progress, cancellationToken);
    }

    /// <summary>Checkpoints the VMs of <paramref name="state"/> from step <paramref name="first"/> on, one job each.</summary>
    private async Task<OperationResult> SnapshotVmsFromAsync(HyperVResumeState state, int first, List<string> done, List<string> warnings, ProgressObserver progress, CancellationToken cancellationToken)
    {
        var vmIds = state.Steps!;
        for (var i = first; i < vmIds.Count; i++)
        {
            progress.Step(i, vmIds.Count);
            var vm = _host.FindVm(vmIds[i]) ?? throw HypervisorException.NotFound($"Virtual machine '{vmIds[i]}' not found.");

            // Hyper-V refuses a second checkpoint of a VM while one runs: queue ours per VM.
            using var vmLock = await _locks.AcquireAsync(["vm:" + vmIds[i]], cancellationToken);
            var step = state with { Target = vmIds[i], Step = i, Done = [.. done] };
            done.Add(await CreateVmSnapshotAsync(vm, step, warnings, progress, cancellationToken));
        }

        return new OperationResult(done, Warnings: warnings);
    }

    private async Task<OperationResult> CreateCollectionSnapshotAsync(SnapshotRequest request, string collectionId, IOperationObserver observer, CancellationToken cancellationToken)
    {
        var group = _host.FindCollection(HyperVNames.VirtualSystemCollection, collectionId);
        if (group is null)
        {
            throw _host.FindCollection(HyperVNames.ManagementCollection, collectionId) is null
                ? HypervisorException.NotFound($"VM group '{collectionId}' not found.")
                : HypervisorException.InvalidParameter($"VM group '{collectionId}' is a group of groups; checkpoint its member groups instead.");
        }

        var groupPath = HyperVHost.RequirePath(group);
        using var memberLocks = await _locks.AcquireAsync(_host.MemberVmIds(group).Select(id => "vm:" + id), cancellationToken);
        var before = SnapshotCollectionIds(groupPath);
        var warnings = new List<string>();
        var snapshotType = request.Kind == SnapshotKind.Recovery ? HyperVValues.CollectionSnapshotRecovery : HyperVValues.CollectionSnapshotStandard;

        // What SnapshotSettings accepts is undocumented (reference §1.1, §9): try one form, fall back
        // to the other on "invalid parameter", and remember per host what worked.
        var mode = _collectionSettingsMode;
        var first = mode != CollectionSettingsMode.Unknown
            ? mode
            : request.Consistency == ConsistencyLevel.Default ? CollectionSettingsMode.EmptyString : CollectionSettingsMode.EmbeddedSettings;
        HyperVMethodCall call;
        try
        {
            call = InvokeCollectionSnapshot(groupPath, collectionId, snapshotType, first, request.Consistency);
            _collectionSettingsMode = first;
        }
        catch (HypervisorException ex) when (ex.HyperVCode == HyperVCodes.InvalidParameter && mode == CollectionSettingsMode.Unknown)
        {
            var second = first == CollectionSettingsMode.EmptyString ? CollectionSettingsMode.EmbeddedSettings : CollectionSettingsMode.EmptyString;
            LogSettingsFallback(_logger, first, second);
            call = InvokeCollectionSnapshot(groupPath, collectionId, snapshotType, second, request.Consistency);
            _collectionSettingsMode = second;
        }

        if (_collectionSettingsMode == CollectionSettingsMode.EmptyString && request.Consistency != ConsistencyLevel.Default)
        {
            warnings.Add($"This host accepts no settings for group checkpoints; consistency level {request.Consistency} was not applied.");
        }

        string? resultPath = WmiValues.ToText(call.OutParameters["ResultingSnapshotCollection"]) is { Length: > 0 } direct ? direct : null;
        if (call.StartedJob)
        {
            var state = new HyperVResumeState { Target = collectionId, Kind = request.Kind, Consistency = request.Consistency, Name = request.Name, Origin = request.Origin };
            var job = await _jobs.FollowAsync(HyperVHost.RequireJobPath(call), BackendOperationKind.CreateSnapshot, state, observer, cancellationToken);
            warnings.AddRange(job.Warnings);

            // ResultingSnapshotCollection may be empty after a job (reference §1.1, §9): the job's
            // Msvm_AffectedJobElement associators name what it created.
            resultPath ??= _host.Wmi.GetRelated(job.JobPath, HyperVNames.AffectedJobElement, HyperVNames.SnapshotCollection, "AffectingElement", "AffectedElement")
                .Select(o => o.Path)
                .FirstOrDefault(p => p is not null);
        }

        string snapshotId;
        if (resultPath is not null && _host.Wmi.GetObject(resultPath) is { } created)
        {
            snapshotId = WmiValues.ToText(created["CollectionID"]) ?? string.Empty;
        }
        else
        {
            // Last resort (reference §1.1): the one snapshot collection of the group that was not there before.
            var added = SnapshotCollectionIds(groupPath).Except(before, StringComparer.OrdinalIgnoreCase).ToList();
            snapshotId = added.Count == 1
                ? added[0]
                : throw new HypervisorException(
                    HypervisorErrorKind.Failed,
                    HyperVCodes.MsvmStatusUnknown,
                    HyperVCodeFamily.Agent,
                    $"The group checkpoint of '{collectionId}' completed but its snapshot collection could not be identified ({added.Count} candidates).");
        }

        await _labeller.LabelCollectionSnapshotAsync(snapshotId, request.Name, request.Origin, warnings, cancellationToken);
        return new OperationResult([snapshotId], Warnings: warnings);
    }

    private HyperVMethodCall InvokeCollectionSnapshot(string groupPath, string collectionId, ushort snapshotType, CollectionSettingsMode mode, ConsistencyLevel consistency) =>
        _host.Invoke(HyperVNames.CollectionSnapshotService, "CreateSnapshot", HyperVCodeFamily.Cim, $"VM group '{collectionId}'", input =>
        {
            input["Collection"] = groupPath;
            input["SnapshotType"] = snapshotType;
            input["SnapshotSettings"] = mode == CollectionSettingsMode.EmptyString ? string.Empty : SnapshotSettingsText(consistency);
        });

    /// <summary>Checkpoints one VM (one step of <paramref name="state"/>) and returns the snapshot id.</summary>
    private async Task<string> CreateVmSnapshotAsync(IWmiObject vm, HyperVResumeState state, List<string> warnings, IOperationObserver observer, CancellationToken cancellationToken)
    {
        var vmId = WmiValues.ToText(vm["Name"])!;
        var vmPath = HyperVHost.RequirePath(vm);
        var call = _host.Invoke(HyperVNames.VirtualSystemSnapshotService, "CreateSnapshot", HyperVCodeFamily.Cim, $"VM '{vmId}'", input =>
        {
            input["AffectedSystem"] = vmPath;

            // Per-VM numbering differs from the group method (reference §8.1): 2 = full, 32768 = recovery.
            input["SnapshotType"] = state.Kind == SnapshotKind.Recovery ? HyperVValues.VmSnapshotRecovery : HyperVValues.VmSnapshotFull;
            input["SnapshotSettings"] = SnapshotSettingsText(state.Consistency ?? ConsistencyLevel.Default);
        });

        string? resultPath = WmiValues.ToText(call.OutParameters["ResultingSnapshot"]) is { Length: > 0 } direct ? direct : null;
        if (call.StartedJob)
        {
            var job = await _jobs.FollowAsync(HyperVHost.RequireJobPath(call), BackendOperationKind.CreateSnapshot, state, observer, cancellationToken);
            warnings.AddRange(job.Warnings);
            resultPath ??= CreatedVmSnapshotPath(job.JobPath);
        }

        return await _labeller.LabelVmSnapshotAsync(resultPath, vmId, state.Name, state.Origin, warnings, cancellationToken);
    }

    private string? CreatedVmSnapshotPath(string jobPath) =>
        _host.Wmi.GetRelated(jobPath, HyperVNames.AffectedJobElement, HyperVNames.VirtualSystemSettingData, "AffectingElement", "AffectedElement")
            .Where(HyperVHost.IsSnapshotSettings)
            .Select(o => o.Path)
            .FirstOrDefault(p => p is not null);

    /// <summary>
    /// An embedded Msvm_VirtualSystemSnapshotSettingData (reference §3.1, §6.3 step 1); an empty
    /// string, which the per-VM method also accepts, on hosts older than Windows 10 / Server 2016 that lack the class.
    /// </summary>
    private string SnapshotSettingsText(ConsistencyLevel consistency)
    {
        IWmiObject settings;
        try
        {
            settings = _host.Wmi.CreateInstance(HyperVNames.VirtualSystemSnapshotSettingData);
        }
        catch (WmiException ex) when (ex.Kind == WmiErrorKind.InvalidClass)
        {
            return string.Empty;
        }

        if (HyperVValues.SnapshotConsistency(consistency) is { } level)
        {
            settings["ConsistencyLevel"] = level;
        }

        settings["IgnoreNonSnapshottableDisks"] = true;
        return settings.GetEmbeddedText();
    }

    private HashSet<string> SnapshotCollectionIds(string groupPath) =>
        [.. _host.Wmi.GetRelated(groupPath, HyperVNames.SnapshotOfVirtualSystemCollection, HyperVNames.SnapshotCollection, "Antecedent", "Dependent")
            .Select(s => WmiValues.ToText(s["CollectionID"]) ?? string.Empty)];

    /// <summary>What a finished checkpoint job created, from its Msvm_AffectedJobElement associators.</summary>
    private List<string> CreatedSnapshotIds(string jobPath)
    {
        var collections = _host.Wmi.GetRelated(jobPath, HyperVNames.AffectedJobElement, HyperVNames.SnapshotCollection, "AffectingElement", "AffectedElement")
            .Select(c => WmiValues.ToText(c["CollectionID"]) ?? string.Empty)
            .ToList();
        if (collections.Count > 0)
        {
            return collections;
        }

        return [.. _host.Wmi.GetRelated(jobPath, HyperVNames.AffectedJobElement, HyperVNames.VirtualSystemSettingData, "AffectingElement", "AffectedElement")
            .Where(HyperVHost.IsSnapshotSettings)
            .Select(s => HyperVHost.SnapshotIdOf(WmiValues.ToText(s["InstanceID"]) ?? string.Empty))];
    }
}
