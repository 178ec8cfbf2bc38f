namespace HvFleet.Hypervisors.Tests.HyperV.Emulator;

internal sealed partial class HyperVWmiEmulator
{
    /// <summary>Msvm_CollectionSnapshotService.ExportSnapshot (reference §1.1, §2.1): CIM return codes.</summary>
    private uint ExportCollectionSnapshot(Call call)
    {
        var snapshot = Resolve(call, "SnapshotCollection", "Msvm_SnapshotCollection");
        if (snapshot is null)
        {
            return call.Fail(4, "SnapshotCollection does not name an Msvm_SnapshotCollection");
        }

        if (DirectoryError(call.Text("ExportDirectory")) is { } directoryError)
        {
            return call.Fail(4, directoryError);
        }

        var (settings, settingsError) = ExportSettings(call, "Msvm_CollectionSnapshotExportSettingData");
        if (settingsError is not null)
        {
            return call.Fail(4, settingsError);
        }

        if (settings.GetValueOrDefault("BackupIntent") is ushort intent && !AcceptedCollectionBackupIntents.Contains(intent))
        {
            return call.Fail(4, $"BackupIntent {intent} is not accepted");
        }

        if (settings.GetValueOrDefault("DifferentialBackupBase") is string { Length: > 0 } basePath
            && Stored(basePath) is not { Class.Name: "Msvm_SnapshotCollection" or "Msvm_ReferencePointCollection" })
        {
            return call.Fail(4, "DifferentialBackupBase names no snapshot or reference point collection");
        }

        var id = (string)snapshot.Values["CollectionID"]!;
        if (IsHeld("destroy:" + id))
        {
            return StartInUseJob(call, 62, id);
        }

        var directory = call.Text("ExportDirectory")!;
        var members = Related(snapshot, "Msvm_CollectedSnapshots", "Collection").ToList();
        var copyStorage = settings.GetValueOrDefault("CopyVmStorage") as bool? ?? false;
        if (members.Select(m => Stored(VmPath((string)m.Values["VirtualSystemIdentifier"]!))).FirstOrDefault(vm => vm is not null && !StableStates.Contains((ushort)vm.Values["EnabledState"]!)) is { } busy)
        {
            // Parameters are fine (4096); the job then finds the VM in a transitional state.
            WritePartial(Path.Combine(directory, (string)busy.Values["ElementName"]!));
            return StartInvalidStateJob(call, 62, (string)busy.Values["ElementName"]!);
        }

        // The on-disk layout of a group export is an open question (§9); the emulator writes a folder per VM.
        var folders = members.Select(m => Path.Combine(directory, VmName((string)m.Values["VirtualSystemIdentifier"]!))).ToList();
        var holds = members.Select(m => "use:" + m.Values["InstanceID"]).Append("use:" + id).ToHashSet();
        for (var i = 0; i < members.Count; i++)
        {
            WritePartial(folders[i]);
        }

        return StartJob(call, 62, holds, _ =>
        {
            for (var i = 0; i < members.Count; i++)
            {
                WriteExport(folders[i], members[i], copyStorage, runtimeState: false);
            }

            _exports.Add(new ExportRecord(call.Method.Name, directory, id, settings, folders));
            return [];
        });
    }

    /// <summary>VSMS.ExportSystemDefinition with an embedded Msvm_VirtualSystemExportSettingData (reference §2.2, §3.2): Msvm codes.</summary>
    private uint ExportSystemDefinition(Call call)
    {
        var vm = ResolveVm(call, "ComputerSystem");
        if (vm is null)
        {
            return call.Fail(32773, "ComputerSystem does not name a virtual machine");
        }

        if (DirectoryError(call.Text("ExportDirectory")) is { } directoryError)
        {
            return call.Fail(32773, directoryError);
        }

        var (settings, settingsError) = ExportSettings(call, "Msvm_VirtualSystemExportSettingData");
        if (settingsError is not null)
        {
            return call.Fail(32773, settingsError);
        }

        var vmId = (string)vm.Values["Name"]!;
        var configuration = settings.GetValueOrDefault("CopySnapshotConfiguration") as byte? ?? 0;
        if (configuration > 3)
        {
            return call.Fail(32773, $"CopySnapshotConfiguration {configuration} is not 0-3");
        }

        StoredInstance? snapshot = null;
        if (configuration is 2 or 3)
        {
            snapshot = Stored(settings.GetValueOrDefault("SnapshotVirtualSystem") as string);
            if (snapshot is null || !IsSnapshot(snapshot) || !string.Equals((string?)snapshot.Values["VirtualSystemIdentifier"], vmId, StringComparison.OrdinalIgnoreCase))
            {
                return call.Fail(32773, "SnapshotVirtualSystem names no snapshot of this VM");
            }
        }

        if (settings.GetValueOrDefault("CaptureLiveState") is byte capture and > 2)
        {
            return call.Fail(32773, $"CaptureLiveState {capture} is not 0-2");
        }

        if (settings.GetValueOrDefault("BackupIntent") is byte intent and > 1)
        {
            return call.Fail(32773, $"BackupIntent {intent} is not 0 (PreserveChain) or 1 (Merge)");
        }

        var effective = new Dictionary<string, object?>(settings, StringComparer.OrdinalIgnoreCase);
        if (settings.GetValueOrDefault("DifferentialBackupBase") is string { Length: > 0 } basePath)
        {
            if (configuration != 3)
            {
                // Ignored unless CopySnapshotConfiguration = 3 (reference §2.2).
                effective["DifferentialBackupBase"] = null;
            }
            else if (Stored(basePath) is not { } baseSnapshot || !IsSnapshot(baseSnapshot)
                || !string.Equals((string?)baseSnapshot.Values["VirtualSystemIdentifier"], vmId, StringComparison.OrdinalIgnoreCase))
            {
                return call.Fail(32773, "DifferentialBackupBase names no snapshot of this VM");
            }
        }

        if (configuration == 2)
        {
            // ExportOneSnapshot always exports storage and runtime state (reference §2.2).
            effective["CopyVmStorage"] = true;
            effective["CopyVmRuntimeInformation"] = true;
        }

        if (!StableStates.Contains((ushort)vm.Values["EnabledState"]!))
        {
            return call.Fail(32775, $"VM is in state {vm.Values["EnabledState"]}");
        }

        if (IsHeld("export:" + vmId) || (snapshot is not null && IsHeld("destroy:" + snapshot.Values["InstanceID"])))
        {
            return call.Fail(32774, "the VM is being exported already");
        }

        var directory = call.Text("ExportDirectory")!;
        var root = settings.GetValueOrDefault("CreateVmExportSubdirectory") as bool? == true ? Path.Combine(directory, VmName(vmId)) : directory;
        var snapshotId = (string?)snapshot?.Values["InstanceID"] ?? "Microsoft:" + vmId;
        var holds = new HashSet<string> { "export:" + vmId, "use:" + snapshotId };
        WritePartial(root);
        return StartJob(call, 62, holds, _ =>
        {
            WriteExport(root, snapshot ?? Stored(PathOf("Msvm_VirtualSystemSettingData", ("InstanceID", "Microsoft:" + vmId)))!, effective.GetValueOrDefault("CopyVmStorage") as bool? ?? false, effective.GetValueOrDefault("CopyVmRuntimeInformation") as bool? ?? false);
            _exports.Add(new ExportRecord(call.Method.Name, directory, snapshotId, effective, [root]));
            return [];
        });
    }

    private (Dictionary<string, object?> Settings, string? Error) ExportSettings(Call call, string expectedClass)
    {
        var text = call.Text("ExportSettingData");
        if (string.IsNullOrEmpty(text))
        {
            return (new(), $"ExportSettingData must be an embedded {expectedClass}");
        }

        var (className, values, error) = CimXml.Parse(Schema, text);
        if (error is not null)
        {
            return (values, "ExportSettingData: " + error);
        }

        return string.Equals(className, expectedClass, StringComparison.Ordinal)
            ? (values, null)
            : (values, $"ExportSettingData is a {className}, not an {expectedClass}");
    }

    private static string? DirectoryError(string? directory) =>
        string.IsNullOrWhiteSpace(directory) || !Path.IsPathFullyQualified(directory)
            ? $"ExportDirectory '{directory}' is not a fully qualified path"
            : null;

    private string VmName(string vmId) => (string?)Stored(VmPath(vmId))?.Values["ElementName"] ?? vmId;

    /// <summary>Hyper-V writes as it goes; a failed or stopped export leaves this behind.</summary>
    private void WritePartial(string root)
    {
        if (WriteExportFiles)
        {
            Directory.CreateDirectory(Path.Combine(root, "Virtual Hard Disks"));
            File.WriteAllText(Path.Combine(root, "Virtual Hard Disks", "export.partial"), "partial");
        }
    }

    /// <summary>
    /// The Export-VM layout (reference §6.2): Virtual Machines (configuration, and saved state when
    /// runtime information is copied from a checkpoint of a running VM), Snapshots, Virtual Hard Disks.
    /// </summary>
    private void WriteExport(string root, StoredInstance settings, bool copyStorage, bool runtimeState)
    {
        if (!WriteExportFiles)
        {
            return;
        }

        var vmName = VmName((string)settings.Values["VirtualSystemIdentifier"]!);
        var instanceId = (string)settings.Values["InstanceID"]!;
        var disks = Path.Combine(root, "Virtual Hard Disks");
        File.Delete(Path.Combine(disks, "export.partial"));
        if (copyStorage)
        {
            File.WriteAllText(Path.Combine(disks, vmName + ".vhdx"), "disk of " + instanceId + new string('d', 4096));
        }
        else if (Directory.Exists(disks) && !Directory.EnumerateFileSystemEntries(disks).Any())
        {
            Directory.Delete(disks);
        }

        var configurations = Path.Combine(root, "Virtual Machines");
        Directory.CreateDirectory(configurations);
        Directory.CreateDirectory(Path.Combine(root, "Snapshots"));
        var id = instanceId.Replace("Microsoft:", string.Empty, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(configurations, id + ".vmcx"), "configuration of " + instanceId);
        if (runtimeState && settings.Values.GetValueOrDefault("IsSaved") as bool? == true)
        {
            File.WriteAllText(Path.Combine(configurations, id + ".vmrs"), new string('r', 8192));
        }
    }
}
