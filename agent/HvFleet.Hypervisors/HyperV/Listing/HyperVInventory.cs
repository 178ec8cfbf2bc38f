using HvFleet.Hypervisors.HyperV.Wmi;

namespace HvFleet.Hypervisors.HyperV.Listing;

/// <summary>
/// The host's VMs, VM groups (and groups of groups) and checkpoints, read from WMI and mapped to
/// the seam's records. Calls are synchronous, as classic WMI is.
/// </summary>
internal sealed class HyperVInventory
{
    private readonly HyperVHost _host;

    public HyperVInventory(HyperVHost host)
    {
        _host = host;
    }

    public IReadOnlyList<VirtualMachineInfo> ListVirtualMachines(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var memberships = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var collection in ReadCollections())
        {
            foreach (var vmId in collection.MemberVmIds)
            {
                if (!memberships.TryGetValue(vmId, out var list))
                {
                    memberships[vmId] = list = [];
                }

                list.Add(collection.Id);
            }
        }

        IReadOnlyList<VirtualMachineInfo> vms = [.. ReadVirtualMachines()
            .Select(vm => vm with { CollectionIds = memberships.TryGetValue(vm.Id, out var ids) ? ids : [] })
            .OrderBy(vm => vm.Name, StringComparer.OrdinalIgnoreCase)
            .ThenBy(vm => vm.Id, StringComparer.Ordinal)];
        return vms;
    }

    public IReadOnlyList<VmCollectionInfo> ListCollections(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<VmCollectionInfo> collections = [.. ReadCollections().OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ThenBy(c => c.Id, StringComparer.Ordinal)];
        return collections;
    }

    public IReadOnlyList<SnapshotInfo> ListSnapshots(SnapshotFilter filter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var vmNames = ReadVirtualMachines().ToDictionary(vm => vm.Id, vm => vm.Name, StringComparer.OrdinalIgnoreCase);
        var snapshots = new List<SnapshotInfo>();
        var grouped = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        foreach (var group in _host.QueryOptional("SELECT * FROM " + HyperVNames.VirtualSystemCollection))
        {
            var groupId = WmiValues.ToText(group["CollectionID"]) ?? string.Empty;
            foreach (var snapshotCollection in _host.Wmi.GetRelated(HyperVHost.RequirePath(group), HyperVNames.SnapshotOfVirtualSystemCollection, HyperVNames.SnapshotCollection, "Antecedent", "Dependent"))
            {
                var info = ReadSnapshotCollection(snapshotCollection, groupId, vmNames);
                grouped.UnionWith(info.Members.Select(m => m.SnapshotId));
                snapshots.Add(info);
            }
        }

        foreach (var vm in _host.Wmi.Query("SELECT * FROM " + HyperVNames.ComputerSystem).Where(HyperVHost.IsVirtualMachine))
        {
            foreach (var settings in _host.Wmi.GetRelated(HyperVHost.RequirePath(vm), HyperVNames.SnapshotOfVirtualSystem, HyperVNames.VirtualSystemSettingData, "Antecedent", "Dependent"))
            {
                if (!HyperVHost.IsSnapshotSettings(settings))
                {
                    continue;
                }

                // A group checkpoint's per-VM snapshots are VM snapshots too; list them once, in their group.
                var info = ReadVmSnapshot(settings, vmNames);
                if (!grouped.Contains(info.Id))
                {
                    snapshots.Add(info);
                }
            }
        }

        IReadOnlyList<SnapshotInfo> result = [.. snapshots
            .Where(s => filter.CollectionId is null || string.Equals(s.CollectionId, filter.CollectionId, StringComparison.OrdinalIgnoreCase))
            .Where(s => filter.VmId is null || s.Members.Any(m => string.Equals(m.VmId, filter.VmId, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(s => s.CreatedAt)
            .ThenBy(s => s.Id, StringComparer.Ordinal)];
        return result;
    }

    private IEnumerable<VirtualMachineInfo> ReadVirtualMachines() =>
        _host.Wmi.Query("SELECT * FROM " + HyperVNames.ComputerSystem)
            .Where(HyperVHost.IsVirtualMachine)
            .Select(vm =>
            {
                var enabledState = WmiValues.ToUInt32(vm["EnabledState"]) ?? 0;
                return new VirtualMachineInfo(
                    WmiValues.ToText(vm["Name"])!,
                    WmiValues.ToText(vm["ElementName"]) ?? string.Empty,
                    HyperVValues.MapEnabledState(enabledState),
                    [],
                    enabledState);
            });

    private List<VmCollectionInfo> ReadCollections()
    {
        var collections = new List<VmCollectionInfo>();
        foreach (var group in _host.QueryOptional("SELECT * FROM " + HyperVNames.VirtualSystemCollection))
        {
            collections.Add(new VmCollectionInfo(
                WmiValues.ToText(group["CollectionID"]) ?? string.Empty,
                WmiValues.ToText(group["ElementName"]) ?? string.Empty,
                CollectionKind.VmCollection,
                _host.MemberVmIds(group)));
        }

        foreach (var group in _host.QueryOptional("SELECT * FROM " + HyperVNames.ManagementCollection))
        {
            // A group of groups lists the VMs of its child groups (Msvm_CollectedCollections, reference §4.3).
            var members = new List<string>();
            foreach (var child in _host.Wmi.GetRelated(HyperVHost.RequirePath(group), HyperVNames.CollectedCollections, HyperVNames.VirtualSystemCollection, "Collection", "Member"))
            {
                members.AddRange(_host.MemberVmIds(child).Where(id => !members.Contains(id, StringComparer.OrdinalIgnoreCase)));
            }

            collections.Add(new VmCollectionInfo(
                WmiValues.ToText(group["CollectionID"]) ?? string.Empty,
                WmiValues.ToText(group["ElementName"]) ?? string.Empty,
                CollectionKind.ManagementCollection,
                members));
        }

        return collections;
    }

    private SnapshotInfo ReadSnapshotCollection(IWmiObject snapshotCollection, string? groupId, IReadOnlyDictionary<string, string> vmNames)
    {
        var members = _host.Wmi.GetRelated(HyperVHost.RequirePath(snapshotCollection), HyperVNames.CollectedSnapshots, HyperVNames.VirtualSystemSettingData, "Collection", "Member");
        var memberInfos = members.Select(m => ReadVmSnapshot(m, vmNames)).OrderBy(m => m.Members[0].VmName, StringComparer.OrdinalIgnoreCase).ToList();
        var kind = memberInfos.Count > 0 && memberInfos.All(m => m.Kind == SnapshotKind.Recovery) ? SnapshotKind.Recovery : SnapshotKind.Standard;
        var created = memberInfos.Count > 0 ? memberInfos.Min(m => m.CreatedAt) : DateTimeOffset.MinValue;

        // The group checkpoint itself cannot be renamed through WMI; we name its VM checkpoints, so
        // a common member name is the group checkpoint's name (§7: ElementName of each VSSD). The
        // job's identity is on every member likewise.
        var memberNames = memberInfos.Select(m => m.Name).Distinct(StringComparer.Ordinal).ToList();
        var name = memberNames.Count == 1 && memberNames[0].Length > 0
            ? memberNames[0]
            : WmiValues.ToText(snapshotCollection["ElementName"]) ?? string.Empty;

        return new SnapshotInfo(
            WmiValues.ToText(snapshotCollection["CollectionID"]) ?? string.Empty,
            name,
            kind,
            SnapshotScope.Collection,
            created,
            groupId,
            [.. memberInfos.SelectMany(m => m.Members)],
            memberInfos.Select(m => m.Origin).FirstOrDefault(o => o is not null));
    }

    private static SnapshotInfo ReadVmSnapshot(IWmiObject settings, IReadOnlyDictionary<string, string> vmNames)
    {
        var id = HyperVHost.SnapshotIdOf(WmiValues.ToText(settings["InstanceID"]) ?? string.Empty);
        var vmId = WmiValues.ToText(settings["VirtualSystemIdentifier"]) ?? string.Empty;
        var kind = string.Equals(WmiValues.ToText(settings["VirtualSystemType"]), HyperVNames.RecoverySnapshotType, StringComparison.Ordinal)
            ? SnapshotKind.Recovery
            : SnapshotKind.Standard;
        return new SnapshotInfo(
            id,
            WmiValues.ToText(settings["ElementName"]) ?? string.Empty,
            kind,
            SnapshotScope.VirtualMachine,
            WmiValues.ToDateTime(settings["CreationTime"]) ?? DateTimeOffset.MinValue,
            null,
            [new VmSnapshotInfo(vmId, vmNames.GetValueOrDefault(vmId, string.Empty), id)],
            HyperVOriginNote.Read(settings));
    }
}
