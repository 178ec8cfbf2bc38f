using System.Globalization;
using HvFleet.Hypervisors.HyperV.Wmi;

namespace HvFleet.Hypervisors.Tests.HyperV.Emulator;

internal sealed partial class HyperVWmiEmulator
{
    /// <summary>VM states in which a checkpoint or export may start: Running, Off, Saved, Paused.</summary>
    private static readonly HashSet<ushort> StableStates = [2, 3, 6, 9];

    /// <summary>Msvm_CollectionSnapshotService.CreateSnapshot (reference §1.1): CIM return codes.</summary>
    private uint CreateCollectionSnapshot(Call call)
    {
        var group = Resolve(call, "Collection", "Msvm_VirtualSystemCollection");
        if (group is null)
        {
            return call.Fail(4, "Collection does not name an Msvm_VirtualSystemCollection");
        }

        var type = call.In.GetValueOrDefault("SnapshotType") as ushort?;
        if (type is not (1 or 2))
        {
            return call.Fail(4, $"SnapshotType {type} is neither 1 (Standard) nor 2 (Recovery)");
        }

        var settings = call.Text("SnapshotSettings");
        if (string.IsNullOrEmpty(settings))
        {
            if (CollectionSnapshotSettings == CollectionSettingsAcceptance.EmbeddedOnly)
            {
                return call.Fail(4, "SnapshotSettings must be an embedded instance on this host");
            }
        }
        else
        {
            if (CollectionSnapshotSettings == CollectionSettingsAcceptance.EmptyStringOnly)
            {
                return call.Fail(4, "SnapshotSettings must be empty on this host");
            }

            if (SnapshotSettingsError(settings) is { } error)
            {
                return call.Fail(4, error);
            }
        }

        var members = Related(group, "Msvm_CollectedVirtualSystems", "Collection").ToList();
        if (members.Count == 0)
        {
            return call.Fail(5, "the VM group has no virtual machines");
        }

        if (members.FirstOrDefault(m => !StableStates.Contains((ushort)m.Values["EnabledState"]!)) is { } busy)
        {
            return call.Fail(5, $"VM {busy.Values["ElementName"]} is in state {busy.Values["EnabledState"]}");
        }

        var groupId = (string)group.Values["CollectionID"]!;
        if (ConcurrentSnapshotsConflict && members.FirstOrDefault(m => IsHeld("snap:" + m.Values["Name"])) is { } held)
        {
            return StartInUseJob(call, 198, (string)held.Values["ElementName"]!);
        }

        var snapshotCollectionId = Guid.NewGuid().ToString("D").ToUpperInvariant();
        var snapshotCollectionPath = PathOf("Msvm_SnapshotCollection", ("CollectionID", snapshotCollectionId));
        var holds = members.Select(m => "snap:" + m.Values["Name"]).Append("snap:" + groupId).ToHashSet();
        var result = StartJob(call, 198, holds, at =>
        {
            Add("Msvm_SnapshotCollection", new()
            {
                ["CollectionID"] = snapshotCollectionId,
                ["ElementName"] = $"{group.Values["ElementName"]} - ({Stamp(at)})",
            });
            Associate("Msvm_SnapshotOfVirtualSystemCollection", group.FullPath, snapshotCollectionPath);
            foreach (var vm in members)
            {
                var settingsPath = AddSnapshotSettings(vm, recovery: type == 2, at);
                Associate("Msvm_CollectedSnapshots", snapshotCollectionPath, settingsPath);
            }

            return [snapshotCollectionPath];
        });

        // Whether ResultingSnapshotCollection is filled when a job starts is an open question (§9).
        if (FillResultingSnapshotCollection)
        {
            call.Out["ResultingSnapshotCollection"] = snapshotCollectionPath;
        }

        return result;
    }

    /// <summary>Msvm_VirtualSystemSnapshotService.CreateSnapshot (reference §3.1): 2 full, 32768 recovery.</summary>
    private uint CreateVmSnapshot(Call call)
    {
        var vm = ResolveVm(call, "AffectedSystem");
        if (vm is null)
        {
            return call.Fail(4, "AffectedSystem does not name a virtual machine");
        }

        var type = call.In.GetValueOrDefault("SnapshotType") as ushort?;
        if (type == 3)
        {
            return call.Fail(1, "disk snapshots are not supported");
        }

        if (type is not (2 or 32768))
        {
            return call.Fail(4, $"SnapshotType {type} is neither 2 (Full) nor 32768 (Recovery)");
        }

        if (call.Text("SnapshotSettings") is { Length: > 0 } settings && SnapshotSettingsError(settings) is { } error)
        {
            return call.Fail(4, error);
        }

        if (!StableStates.Contains((ushort)vm.Values["EnabledState"]!))
        {
            return call.Fail(5, $"VM is in state {vm.Values["EnabledState"]}");
        }

        var vmId = (string)vm.Values["Name"]!;
        if (ConcurrentSnapshotsConflict && IsHeld("snap:" + vmId))
        {
            return StartInUseJob(call, 70, (string)vm.Values["ElementName"]!);
        }

        // ResultingSnapshot stays empty: the VSSD is found through the job's associators (reference §6.3).
        return StartJob(call, 70, new HashSet<string> { "snap:" + vmId }, at => [AddSnapshotSettings(vm, recovery: type == 32768, at)]);
    }

    private uint DestroyCollectionSnapshot(Call call)
    {
        var snapshot = Resolve(call, "AffectedSnapshotCollection", "Msvm_SnapshotCollection");
        if (snapshot is null)
        {
            return call.Fail(4, "AffectedSnapshotCollection does not name an Msvm_SnapshotCollection");
        }

        var id = (string)snapshot.Values["CollectionID"]!;
        var members = Related(snapshot, "Msvm_CollectedSnapshots", "Collection").ToList();
        if (IsHeld("use:" + id) || IsHeld("destroy:" + id) || members.Any(m => IsHeld("use:" + m.Values["InstanceID"])))
        {
            return StartInUseJob(call, 72, id);
        }

        return StartJob(call, 72, new HashSet<string> { "destroy:" + id }, _ =>
        {
            foreach (var member in members)
            {
                Remove(member.FullPath);
            }

            Remove(snapshot.FullPath);
            return [];
        });
    }

    private uint DestroyVmSnapshot(Call call)
    {
        var snapshot = Resolve(call, "AffectedSnapshot", "Msvm_VirtualSystemSettingData");
        if (snapshot is null || !IsSnapshot(snapshot))
        {
            return call.Fail(4, "AffectedSnapshot does not name a snapshot");
        }

        var instanceId = (string)snapshot.Values["InstanceID"]!;
        if (IsHeld("use:" + instanceId) || IsHeld("destroy:" + instanceId))
        {
            return StartInUseJob(call, 72, instanceId);
        }

        return StartJob(call, 72, new HashSet<string> { "destroy:" + instanceId }, _ =>
        {
            Remove(snapshot.FullPath);
            return [];
        });
    }

    /// <summary>VSMS.ModifySystemSettings: takes an embedded Msvm_VirtualSystemSettingData; we honour ElementName and Notes.</summary>
    private uint ModifySystemSettings(Call call)
    {
        var (className, values, error) = CimXml.Parse(Schema, call.Text("SystemSettings") ?? string.Empty);
        if (error is not null || !string.Equals(className, "Msvm_VirtualSystemSettingData", StringComparison.Ordinal))
        {
            return call.Fail(32773, error ?? $"SystemSettings is a {className}, not an Msvm_VirtualSystemSettingData");
        }

        var target = Stored(PathOf("Msvm_VirtualSystemSettingData", ("InstanceID", values.GetValueOrDefault("InstanceID") as string ?? string.Empty)));
        if (target is null)
        {
            return call.Fail(32773, "SystemSettings names no existing settings");
        }

        if (values.GetValueOrDefault("ElementName") is string { Length: > 100 })
        {
            return call.Fail(32773, "ElementName is longer than 100 characters");
        }

        return StartJob(call, 2, new HashSet<string>(), _ =>
        {
            target.Values["ElementName"] = values.GetValueOrDefault("ElementName");
            if (values.TryGetValue("Notes", out var notes))
            {
                target.Values["Notes"] = notes;
            }
            return [];
        });
    }

    private string AddSnapshotSettings(StoredInstance vm, bool recovery, DateTimeOffset at)
    {
        var vmId = (string)vm.Values["Name"]!;
        var parent = Related(vm, "Msvm_SnapshotOfVirtualSystem", "Antecedent")
            .OrderByDescending(s => (string?)s.Values["CreationTime"], StringComparer.Ordinal)
            .FirstOrDefault();
        var path = Add("Msvm_VirtualSystemSettingData", new()
        {
            ["InstanceID"] = "Microsoft:" + Guid.NewGuid().ToString("D").ToUpperInvariant(),
            ["ElementName"] = $"{vm.Values["ElementName"]} - ({Stamp(at)})",
            ["VirtualSystemIdentifier"] = vmId,
            ["VirtualSystemType"] = recovery ? "Microsoft:Hyper-V:Snapshot:Recovery" : "Microsoft:Hyper-V:Snapshot:Realized",
            ["CreationTime"] = WmiValues.FromDateTime(at),
            ["Parent"] = parent?.FullPath,
            ["IsSaved"] = (ushort)vm.Values["EnabledState"]! == 2,
        });
        Associate("Msvm_SnapshotOfVirtualSystem", vm.FullPath, path);
        return path;
    }

    private string? SnapshotSettingsError(string text)
    {
        var (className, values, error) = CimXml.Parse(Schema, text);
        if (error is not null)
        {
            return "SnapshotSettings: " + error;
        }

        if (!string.Equals(className, "Msvm_VirtualSystemSnapshotSettingData", StringComparison.Ordinal))
        {
            return $"SnapshotSettings is a {className}, not an Msvm_VirtualSystemSnapshotSettingData";
        }

        return values.GetValueOrDefault("ConsistencyLevel") is byte level and > 2
            ? $"ConsistencyLevel {level} is not 0, 1 or 2"
            : null;
    }

    private StoredInstance? Resolve(Call call, string parameter, string className) =>
        Stored(call.Text(parameter)) is { } found && Schema.IsA(found.Class.Name, className) ? found : null;

    private StoredInstance? ResolveVm(Call call, string parameter) =>
        Resolve(call, parameter, "Msvm_ComputerSystem") is { } vm && (string?)vm.Values["Caption"] != "Hosting Computer System" ? vm : null;

    private static bool IsSnapshot(StoredInstance settings) =>
        ((string?)settings.Values.GetValueOrDefault("VirtualSystemType"))?.StartsWith("Microsoft:Hyper-V:Snapshot:", StringComparison.Ordinal) == true;

    private static string Stamp(DateTimeOffset at) => at.ToString("MM/dd/yyyy - h:mm:ss tt", CultureInfo.InvariantCulture);
}
