using HvFleet.Hypervisors.HyperV.Jobs;
using HvFleet.Hypervisors.HyperV.Wmi;

namespace HvFleet.Hypervisors.HyperV.Export;

/// <summary>
/// Exports Hyper-V checkpoints into a staging folder beside the target and moves it into place: a
/// group checkpoint in one ExportSnapshot, or member by member when the group settings class lacks
/// what the request needs; a VM checkpoint with ExportSystemDefinition. Finishes an interrupted
/// export after an agent restart.
/// </summary>
internal sealed class HyperVSnapshotExporter
{
    private readonly HyperVHost _host;
    private readonly HyperVJobFollower _jobs;
    private readonly HyperVOptions _options;

    public HyperVSnapshotExporter(HyperVHost host, HyperVJobFollower jobs, HyperVOptions options)
    {
        _host = host;
        _jobs = jobs;
        _options = options;
    }

    public async Task<OperationResult> ExportSnapshotAsync(ExportRequest request, IOperationObserver observer, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (string.IsNullOrWhiteSpace(request.ExportDirectory) || !System.IO.Path.IsPathFullyQualified(request.ExportDirectory))
        {
            throw HypervisorException.InvalidParameter($"Export directory '{request.ExportDirectory}' must be an absolute path.", HyperVCodeFamily.Msvm);
        }

        // Everything is resolved and checked before anything is written.
        var collection = _host.FindCollection(HyperVNames.SnapshotCollection, request.SnapshotId);
        var vmSnapshot = collection is null ? _host.FindVmSnapshot(request.SnapshotId) : null;
        if (collection is null && vmSnapshot is null)
        {
            throw HypervisorException.NotFound($"Snapshot '{request.SnapshotId}' not found.");
        }

        var progress = new ProgressObserver(observer);
        var target = ExportTarget.Prepare(request.ExportDirectory, request.Overwrite, IsLocalHost, request.ExportRoot);
        var snapshotId = collection is not null
            ? WmiValues.ToText(collection["CollectionID"]) ?? request.SnapshotId
            : HyperVHost.SnapshotIdOf(WmiValues.ToText(vmSnapshot!["InstanceID"]) ?? request.SnapshotId);
        var state = new HyperVResumeState { Target = snapshotId, Staging = target.Staging, ExportDirectory = request.ExportDirectory, Options = request.Options };
        try
        {
            var warnings = collection is not null
                ? await ExportCollectionAsync(collection, state, target.WorkingDirectory, progress, cancellationToken)
                : await ExportVmSnapshotAsync(vmSnapshot!, request.Options, ResolveVmDifferentialBase(vmSnapshot!, request.Options), target.WorkingDirectory, state, progress, cancellationToken);
            return FinishExport(target, state, warnings, progress);
        }
        catch
        {
            // Nothing is left behind on failure or cancel (Hyper-V may leave a partial export).
            target.Rollback();
            throw;
        }
    }

    /// <summary>Finishes an export (one with an export directory): the interrupted job, the member exports after it, and the move into place.</summary>
    public async Task<OperationResult> ResumeAsync(IWmiObject job, string instanceId, HyperVResumeState state, ProgressObserver progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state.ExportDirectory);
        var target = ExportTarget.Resume(state.Staging, state.ExportDirectory);
        try
        {
            if (state.Steps is { Count: > 0 } members)
            {
                progress.Step(state.Step, members.Count);
            }

            var completion = await _jobs.FollowBoundAsync(job, instanceId, progress, cancellationToken);
            var warnings = new List<string>(completion.Warnings);
            if (state.Steps is not null)
            {
                await ExportMembersFromAsync(state, state.Step + 1, target.WorkingDirectory, warnings, progress, cancellationToken);
            }

            return FinishExport(target, state, warnings, progress);
        }
        catch
        {
            target.Rollback();
            throw;
        }
    }

    private static OperationResult FinishExport(ExportTarget target, HyperVResumeState state, List<string> warnings, ProgressObserver progress)
    {
        var (bytes, files) = target.Commit();
        progress.Complete(bytes);
        return new OperationResult([state.Target], ExportPath: state.ExportDirectory, Bytes: bytes, Files: files, Warnings: warnings);
    }

    private bool IsLocalHost => string.IsNullOrEmpty(_options.ComputerName) || _options.ComputerName == "."
        || string.Equals(_options.ComputerName, Environment.MachineName, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A group checkpoint's export. Msvm_CollectionSnapshotExportSettingData has only CopyVmStorage,
    /// BackupIntent (1/2) and DifferentialBackupBase (reference §2.1, §8.3); when the request needs
    /// what it lacks (no per-VM folder, runtime state, live-state capture), each member checkpoint is
    /// exported with VSMS.ExportSystemDefinition instead, whose settings class has them.
    /// </summary>
    private async Task<List<string>> ExportCollectionAsync(IWmiObject snapshotCollection, HyperVResumeState state, string directory, ProgressObserver progress, CancellationToken cancellationToken)
    {
        var options = state.Options!;
        var snapshotId = state.Target;
        var path = HyperVHost.RequirePath(snapshotCollection);
        var baseCollection = ResolveCollectionDifferentialBase(snapshotCollection, options);
        var warnings = new List<string>();

        var needsPerVm = !options.CreateVmExportSubdirectory || options.CopyVmRuntimeInformation || options.CaptureLiveState != CaptureLiveState.Default;
        if (needsPerVm)
        {
            warnings.Add("The group settings class has no CreateVmExportSubdirectory, CopyVmRuntimeInformation or CaptureLiveState (reference §8.3); the group checkpoint was exported VM by VM.");
            var members = _host.Wmi.GetRelated(path, HyperVNames.CollectedSnapshots, HyperVNames.VirtualSystemSettingData, "Collection", "Member")
                .Select(m => HyperVHost.SnapshotIdOf(WmiValues.ToText(m["InstanceID"]) ?? string.Empty))
                .ToList();
            var perVm = state with { Steps = members, DifferentialBase = baseCollection is null ? null : WmiValues.ToText(baseCollection["CollectionID"]) };
            await ExportMembersFromAsync(perVm, 0, directory, warnings, progress, cancellationToken);
            return warnings;
        }

        var settings = _host.Wmi.CreateInstance(HyperVNames.CollectionSnapshotExportSettingData);
        settings["CopyVmStorage"] = options.CopyVmStorage;

        // Collection numbering: 1 PreserveChain, 2 Merge (uint16), unlike the per-VM class's 0/1 (§8.2).
        if (HyperVValues.CollectionBackupIntent(options.BackupIntent) is { } intent)
        {
            settings["BackupIntent"] = intent;
        }

        if (baseCollection is not null)
        {
            settings["DifferentialBackupBase"] = HyperVHost.RequirePath(baseCollection);
        }

        var settingsText = settings.GetEmbeddedText();
        var call = InvokeExport(HyperVNames.CollectionSnapshotService, "ExportSnapshot", HyperVCodeFamily.Cim, $"snapshot collection '{snapshotId}'", ("SnapshotCollection", path), directory, settingsText);
        warnings.AddRange(await FollowExportAsync(call, state, progress, cancellationToken));
        return warnings;
    }

    /// <summary>Exports the member checkpoints of a group checkpoint one by one, from step <paramref name="first"/> on.</summary>
    private async Task ExportMembersFromAsync(HyperVResumeState state, int first, string directory, List<string> warnings, ProgressObserver progress, CancellationToken cancellationToken)
    {
        var members = state.Steps!;
        var baseMembers = state.DifferentialBase is { } baseId && _host.FindCollection(HyperVNames.SnapshotCollection, baseId) is { } baseCollection
            ? _host.Wmi.GetRelated(HyperVHost.RequirePath(baseCollection), HyperVNames.CollectedSnapshots, HyperVNames.VirtualSystemSettingData, "Collection", "Member")
            : [];
        for (var i = first; i < members.Count; i++)
        {
            var member = _host.FindVmSnapshot(members[i]) ?? throw HypervisorException.NotFound($"Checkpoint '{members[i]}' of group checkpoint '{state.Target}' not found.");
            var vmId = WmiValues.ToText(member["VirtualSystemIdentifier"]);
            var baseMember = baseMembers.FirstOrDefault(b => string.Equals(WmiValues.ToText(b["VirtualSystemIdentifier"]), vmId, StringComparison.OrdinalIgnoreCase));
            if (state.DifferentialBase is not null && baseMember is null)
            {
                throw HypervisorException.InvalidParameter($"Differential base has no checkpoint of VM '{vmId}'.", HyperVCodeFamily.Msvm);
            }

            progress.Step(i, members.Count);
            warnings.AddRange(await ExportVmSnapshotAsync(member, state.Options!, baseMember is null ? null : HyperVHost.RequirePath(baseMember), directory, state with { Step = i }, progress, cancellationToken));
        }
    }

    /// <summary>Exports one VM checkpoint with VSMS.ExportSystemDefinition and a VSESD (reference §2.2, §6.3).</summary>
    private async Task<List<string>> ExportVmSnapshotAsync(IWmiObject snapshot, ExportOptions options, string? basePath, string directory, HyperVResumeState state, IOperationObserver progress, CancellationToken cancellationToken)
    {
        var warnings = new List<string>();
        var snapshotId = HyperVHost.SnapshotIdOf(WmiValues.ToText(snapshot["InstanceID"]) ?? string.Empty);
        var vmId = WmiValues.ToText(snapshot["VirtualSystemIdentifier"]) ?? string.Empty;
        var vm = _host.FindVm(vmId) ?? throw HypervisorException.NotFound($"Virtual machine '{vmId}' of snapshot '{snapshotId}' not found.");
        var isRecovery = string.Equals(WmiValues.ToText(snapshot["VirtualSystemType"]), HyperVNames.RecoverySnapshotType, StringComparison.Ordinal);

        // 3 (ExportOneSnapshotForBackup) for backups: recovery checkpoints, or any differential
        // export since DifferentialBackupBase is ignored otherwise (reference §2.2, §6.3). 2 otherwise.
        var forBackup = isRecovery || basePath is not null;
        if (!forBackup && !options.CopyVmStorage)
        {
            warnings.Add($"Exporting standard checkpoint '{snapshotId}' always copies its storage (CopySnapshotConfiguration 2, reference §2.2).");
        }

        var settings = _host.Wmi.CreateInstance(HyperVNames.VirtualSystemExportSettingData);
        settings["CopySnapshotConfiguration"] = forBackup ? HyperVValues.ExportOneSnapshotForBackup : HyperVValues.ExportOneSnapshot;

        // Set with 3 as well as 2: the docs tie it to 2 only, the Microsoft RCT sample uses it with 3 (§8.5).
        settings["SnapshotVirtualSystem"] = HyperVHost.RequirePath(snapshot);
        settings["CopyVmStorage"] = options.CopyVmStorage;
        settings["CopyVmRuntimeInformation"] = options.CopyVmRuntimeInformation;
        settings["CreateVmExportSubdirectory"] = options.CreateVmExportSubdirectory;
        if (HyperVValues.VmCaptureLiveState(options.CaptureLiveState) is { } capture)
        {
            settings["CaptureLiveState"] = capture;
        }

        // Per-VM numbering: 0 PreserveChain, 1 Merge (uint8), unlike the collection class's 1/2 (§8.2).
        if (HyperVValues.VmBackupIntent(options.BackupIntent) is { } intent)
        {
            settings["BackupIntent"] = intent;
        }

        if (basePath is not null)
        {
            settings["DifferentialBackupBase"] = basePath;
        }

        var settingsText = settings.GetEmbeddedText();
        var vmPath = HyperVHost.RequirePath(vm);
        var call = InvokeExport(HyperVNames.VirtualSystemManagementService, "ExportSystemDefinition", HyperVCodeFamily.Msvm, $"snapshot '{snapshotId}' of VM '{vmId}'", ("ComputerSystem", vmPath), directory, settingsText);
        warnings.AddRange(await FollowExportAsync(call, state, progress, cancellationToken));
        return warnings;
    }

    /// <summary>Calls an export method: what to export (<paramref name="source"/>: parameter name and object path), where, and the embedded settings.</summary>
    private HyperVMethodCall InvokeExport(string serviceClass, string method, HyperVCodeFamily family, string context, (string Parameter, string Path) source, string directory, string settingsText) =>
        _host.Invoke(serviceClass, method, family, context, input =>
        {
            input[source.Parameter] = source.Path;
            input["ExportDirectory"] = directory;
            input["ExportSettingData"] = settingsText;
        });

    /// <summary>Follows the job an export method started, if it started one; returns the job's warnings.</summary>
    private async Task<IReadOnlyList<string>> FollowExportAsync(HyperVMethodCall call, HyperVResumeState state, IOperationObserver progress, CancellationToken cancellationToken) =>
        call.StartedJob
            ? (await _jobs.FollowAsync(HyperVHost.RequireJobPath(call), BackendOperationKind.ExportSnapshot, state, progress, cancellationToken)).Warnings
            : [];

    /// <summary>A group export's differential base: an earlier checkpoint of the same group.</summary>
    private IWmiObject? ResolveCollectionDifferentialBase(IWmiObject snapshotCollection, ExportOptions options)
    {
        if (options.DifferentialBackupBase is not { } baseId)
        {
            return null;
        }

        var baseCollection = _host.FindCollection(HyperVNames.SnapshotCollection, baseId);
        if (baseCollection is null)
        {
            throw _host.FindVmSnapshot(baseId) is not null
                ? HypervisorException.InvalidParameter($"Differential base '{baseId}' is a VM checkpoint; a group export needs a checkpoint of the same group.", HyperVCodeFamily.Msvm)
                : HypervisorException.NotFound($"Differential base snapshot '{baseId}' not found.");
        }

        if (!string.Equals(GroupIdOf(baseCollection), GroupIdOf(snapshotCollection), StringComparison.OrdinalIgnoreCase))
        {
            throw HypervisorException.InvalidParameter($"Differential base '{baseId}' is a checkpoint of another group.", HyperVCodeFamily.Msvm);
        }

        return baseCollection;
    }

    /// <summary>A VM export's differential base: an earlier checkpoint of the same VM.</summary>
    private string? ResolveVmDifferentialBase(IWmiObject snapshot, ExportOptions options)
    {
        if (options.DifferentialBackupBase is not { } baseId)
        {
            return null;
        }

        var baseSnapshot = _host.FindVmSnapshot(baseId);
        if (baseSnapshot is null)
        {
            throw _host.FindCollection(HyperVNames.SnapshotCollection, baseId) is not null
                ? HypervisorException.InvalidParameter($"Differential base '{baseId}' is a group checkpoint; a VM export needs a checkpoint of the same VM.", HyperVCodeFamily.Msvm)
                : HypervisorException.NotFound($"Differential base snapshot '{baseId}' not found.");
        }

        if (!string.Equals(WmiValues.ToText(baseSnapshot["VirtualSystemIdentifier"]), WmiValues.ToText(snapshot["VirtualSystemIdentifier"]), StringComparison.OrdinalIgnoreCase))
        {
            throw HypervisorException.InvalidParameter($"Differential base '{baseId}' is a checkpoint of another VM.", HyperVCodeFamily.Msvm);
        }

        return HyperVHost.RequirePath(baseSnapshot);
    }

    private string? GroupIdOf(IWmiObject snapshotCollection) =>
        HyperVHost.FirstOf(_host.Wmi.GetRelated(HyperVHost.RequirePath(snapshotCollection), HyperVNames.SnapshotOfVirtualSystemCollection, HyperVNames.VirtualSystemCollection, "Dependent", "Antecedent")) is { } group
            ? WmiValues.ToText(group["CollectionID"])
            : null;
}
