using HvFleet.Hypervisors.HyperV.Wmi;

namespace HvFleet.Hypervisors.HyperV;

internal sealed partial class HyperVHypervisor
{
    public Task<OperationResult> ExportSnapshotAsync(ExportRequest request, IOperationObserver observer, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (string.IsNullOrWhiteSpace(request.ExportDirectory) || !System.IO.Path.IsPathFullyQualified(request.ExportDirectory))
        {
            throw HypervisorException.InvalidParameter($"Export directory '{request.ExportDirectory}' must be an absolute path.");
        }

        var collection = FindCollection(HyperVNames.SnapshotCollection, request.SnapshotId);
        var vmSnapshot = collection is null ? FindVmSnapshot(request.SnapshotId) : null;
        if (collection is null && vmSnapshot is null)
        {
            throw HypervisorException.NotFound($"Snapshot '{request.SnapshotId}' not found.");
        }

        var target = ExportTarget.Prepare(request.ExportDirectory, request.Overwrite, IsLocalHost);
        try
        {
            var result = collection is not null
                ? await ExportCollectionAsync(collection, request, observer, cancellationToken)
                : await ExportVmSnapshotAsync(vmSnapshot!, request, observer, cancellationToken);
            target.Commit();
            return result;
        }
        catch
        {
            // Nothing is left behind on failure or cancel: remove what this export created.
            target.Rollback();
            throw;
        }
    });

    private bool IsLocalHost => string.IsNullOrEmpty(_options.ComputerName) || _options.ComputerName == "."
        || string.Equals(_options.ComputerName, Environment.MachineName, StringComparison.OrdinalIgnoreCase);

    private async Task<OperationResult> ExportCollectionAsync(IWmiObject snapshotCollection, ExportRequest request, IOperationObserver observer, CancellationToken cancellationToken)
    {
        var options = request.Options;
        var warnings = new List<string>();

        // Msvm_CollectionSnapshotExportSettingData has only CopyVmStorage, BackupIntent (1/2) and
        // DifferentialBackupBase (reference §2.1, §8.3): the rest cannot be asked of a group export.
        if (!options.CreateVmExportSubdirectory)
        {
            warnings.Add("A group export has no CreateVmExportSubdirectory setting (reference §8.3); Hyper-V chooses the layout.");
        }

        if (options.CopyVmRuntimeInformation)
        {
            warnings.Add("A group export has no CopyVmRuntimeInformation setting; it was not applied.");
        }

        if (options.CaptureLiveState != CaptureLiveState.Default)
        {
            warnings.Add("A group export has no CaptureLiveState setting; it was not applied.");
        }

        string? basePath = null;
        if (options.DifferentialBackupBase is { } baseId)
        {
            basePath = RequirePath(FindCollection(HyperVNames.SnapshotCollection, baseId)
                ?? throw HypervisorException.NotFound($"Differential base snapshot '{baseId}' not found."));
        }

        var settings = Connection.CreateInstance(HyperVNames.CollectionSnapshotExportSettingData);
        settings["CopyVmStorage"] = options.CopyVmStorage;
        if (HyperVValues.CollectionBackupIntent(options.BackupIntent) is { } intent)
        {
            settings["BackupIntent"] = intent;
        }

        if (basePath is not null)
        {
            settings["DifferentialBackupBase"] = basePath;
        }

        var snapshotId = WmiValues.ToText(snapshotCollection["CollectionID"]) ?? request.SnapshotId;
        var settingsText = settings.GetEmbeddedText();
        var path = RequirePath(snapshotCollection);
        var call = Invoke(HyperVNames.CollectionSnapshotService, "ExportSnapshot", HyperVCodeFamily.Cim, $"snapshot collection '{snapshotId}'", input =>
        {
            input["SnapshotCollection"] = path;
            input["ExportDirectory"] = request.ExportDirectory;
            input["ExportSettingData"] = settingsText;
        });
        if (call.StartedJob)
        {
            var job = await _jobs.FollowAsync(RequireJobPath(call), BackendOperationKind.ExportSnapshot, snapshotId, observer, cancellationToken);
            warnings.AddRange(job.Warnings);
        }

        return new OperationResult([snapshotId], ExportPath: request.ExportDirectory, Warnings: warnings);
    }

    private async Task<OperationResult> ExportVmSnapshotAsync(IWmiObject snapshot, ExportRequest request, IOperationObserver observer, CancellationToken cancellationToken)
    {
        var options = request.Options;
        var warnings = new List<string>();
        var snapshotId = SnapshotIdOf(WmiValues.ToText(snapshot["InstanceID"]) ?? request.SnapshotId);
        var vmId = WmiValues.ToText(snapshot["VirtualSystemIdentifier"]) ?? string.Empty;
        var vm = FindVm(vmId) ?? throw HypervisorException.NotFound($"Virtual machine '{vmId}' of snapshot '{snapshotId}' not found.");
        var isRecovery = string.Equals(WmiValues.ToText(snapshot["VirtualSystemType"]), HyperVNames.RecoverySnapshotType, StringComparison.Ordinal);

        string? basePath = null;
        if (options.DifferentialBackupBase is { } baseId)
        {
            var baseSnapshot = FindVmSnapshot(baseId) ?? throw HypervisorException.NotFound($"Differential base snapshot '{baseId}' not found.");
            if (!string.Equals(WmiValues.ToText(baseSnapshot["VirtualSystemIdentifier"]), vmId, StringComparison.OrdinalIgnoreCase))
            {
                throw HypervisorException.InvalidParameter($"Differential base snapshot '{baseId}' belongs to another VM than snapshot '{snapshotId}'.");
            }

            basePath = RequirePath(baseSnapshot);
        }

        // 3 (ExportOneSnapshotForBackup) for backups: recovery checkpoints, or any differential
        // export since DifferentialBackupBase is ignored otherwise (reference §2.2, §6.3). 2 otherwise.
        var forBackup = isRecovery || basePath is not null;
        if (!forBackup && (!options.CopyVmStorage || options.CopyVmRuntimeInformation))
        {
            warnings.Add("Exporting one standard checkpoint always copies its storage and runtime state (CopySnapshotConfiguration 2, reference §2.2).");
        }

        var settings = Connection.CreateInstance(HyperVNames.VirtualSystemExportSettingData);
        settings["CopySnapshotConfiguration"] = forBackup ? HyperVValues.ExportOneSnapshotForBackup : HyperVValues.ExportOneSnapshot;

        // Set with 3 as well as 2: the docs tie it to 2 only, the Microsoft RCT sample uses it with 3 (§8.5).
        settings["SnapshotVirtualSystem"] = RequirePath(snapshot);
        settings["CopyVmStorage"] = options.CopyVmStorage;
        settings["CopyVmRuntimeInformation"] = options.CopyVmRuntimeInformation;
        settings["CreateVmExportSubdirectory"] = options.CreateVmExportSubdirectory;
        if (HyperVValues.VmCaptureLiveState(options.CaptureLiveState) is { } capture)
        {
            settings["CaptureLiveState"] = capture;
        }

        if (HyperVValues.VmBackupIntent(options.BackupIntent) is { } intent)
        {
            settings["BackupIntent"] = intent;
        }

        if (basePath is not null)
        {
            settings["DifferentialBackupBase"] = basePath;
        }

        var settingsText = settings.GetEmbeddedText();
        var vmPath = RequirePath(vm);
        var call = Invoke(HyperVNames.VirtualSystemManagementService, "ExportSystemDefinition", HyperVCodeFamily.Msvm, $"snapshot '{snapshotId}' of VM '{vmId}'", input =>
        {
            input["ComputerSystem"] = vmPath;
            input["ExportDirectory"] = request.ExportDirectory;
            input["ExportSettingData"] = settingsText;
        });
        if (call.StartedJob)
        {
            var job = await _jobs.FollowAsync(RequireJobPath(call), BackendOperationKind.ExportSnapshot, snapshotId, observer, cancellationToken);
            warnings.AddRange(job.Warnings);
        }

        var exportPath = options.CreateVmExportSubdirectory
            ? System.IO.Path.Combine(request.ExportDirectory, WmiValues.ToText(vm["ElementName"]) ?? vmId)
            : request.ExportDirectory;
        return new OperationResult([snapshotId], ExportPath: exportPath, Warnings: warnings);
    }
}
