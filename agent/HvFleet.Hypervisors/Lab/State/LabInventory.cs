namespace HvFleet.Hypervisors.Lab.State;

/// <summary>The lab host's VMs, VM groups and snapshots as the hypervisor seam reports them, and the lab-only edits of VMs and groups.</summary>
internal sealed class LabInventory
{
    private readonly LabHostStore _store;

    public LabInventory(LabHostStore store)
    {
        _store = store;
    }

    public async Task<IReadOnlyList<VirtualMachineInfo>> ListVirtualMachinesAsync(CancellationToken cancellationToken)
    {
        await _store.EnsureInitializedAsync(cancellationToken);
        return await _store.ReadAsync(state => (IReadOnlyList<VirtualMachineInfo>)state.Vms
            .Select(vm => new VirtualMachineInfo(
                vm.Id,
                vm.Name,
                vm.State,
                state.Collections.Where(c => c.MemberVmIds.Contains(vm.Id, StringComparer.OrdinalIgnoreCase)).Select(c => c.Id).ToArray(),
                EnabledStateOf(vm.State)))
            .ToArray(), cancellationToken);
    }

    public async Task<IReadOnlyList<VmCollectionInfo>> ListCollectionsAsync(CancellationToken cancellationToken)
    {
        await _store.EnsureInitializedAsync(cancellationToken);
        return await _store.ReadAsync(state => (IReadOnlyList<VmCollectionInfo>)state.Collections
            .Select(c => new VmCollectionInfo(c.Id, c.Name, c.Kind, c.MemberVmIds.ToArray()))
            .ToArray(), cancellationToken);
    }

    public async Task<IReadOnlyList<SnapshotInfo>> ListSnapshotsAsync(SnapshotFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await _store.EnsureInitializedAsync(cancellationToken);
        return await _store.ReadAsync(state => (IReadOnlyList<SnapshotInfo>)state.Snapshots
            .Where(s => filter.CollectionId is null || string.Equals(s.CollectionId, filter.CollectionId, StringComparison.OrdinalIgnoreCase))
            .Where(s => filter.VmId is null || s.Members.Any(m => string.Equals(m.VmId, filter.VmId, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(s => s.CreatedAt)
            .Select(ToInfo)
            .ToArray(), cancellationToken);
    }

    public async Task SetVirtualMachineStateAsync(string vmId, VmState state, CancellationToken cancellationToken)
    {
        if (!Enum.IsDefined(state))
        {
            throw HypervisorException.InvalidParameter($"VM state {(int)state} is not a known state.", HyperVCodeFamily.Msvm);
        }

        await _store.EnsureInitializedAsync(cancellationToken);
        await _store.MutateAsync(s =>
        {
            var vm = LabHostStore.FindVm(s, vmId) ?? throw HypervisorException.NotFound($"Virtual machine '{vmId}' was not found.");
            vm.State = state;
        }, cancellationToken);
    }

    public async Task<string> CreateCollectionAsync(string name, IReadOnlyList<string> memberVmIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(memberVmIds);
        if (string.IsNullOrWhiteSpace(name) || name.Length > LabHypervisor.MaxNameLength)
        {
            throw HypervisorException.InvalidParameter($"VM group name must be 1 to {LabHypervisor.MaxNameLength} characters (got {name?.Length ?? 0}).", HyperVCodeFamily.Msvm);
        }

        await _store.EnsureInitializedAsync(cancellationToken);
        string id = Guid.NewGuid().ToString("D").ToUpperInvariant();
        await _store.MutateAsync(s =>
        {
            foreach (string vmId in memberVmIds)
            {
                _ = LabHostStore.FindVm(s, vmId) ?? throw HypervisorException.NotFound($"Virtual machine '{vmId}' was not found.");
            }

            s.Collections.Add(new LabCollectionRecord { Id = id, Name = name, Kind = CollectionKind.VmCollection, MemberVmIds = memberVmIds.ToList() });
        }, cancellationToken);
        return id;
    }

    private static SnapshotInfo ToInfo(LabSnapshotRecord s) =>
        new(s.Id, s.Name, s.Kind, s.Scope, s.CreatedAt, s.CollectionId, s.Members.Select(m => new VmSnapshotInfo(m.VmId, m.VmName, m.SnapshotId)).ToArray(),
            s.OriginJobId is null && s.OriginRequestId is null ? null : new SnapshotOrigin(s.OriginJobId, s.OriginRequestId));

    /// <summary>Hyper-V EnabledState for a lab VM state (reference hyperv-wmi.md §4.4).</summary>
    private static uint EnabledStateOf(VmState state) => state switch
    {
        VmState.Running => 2,
        VmState.Off => 3,
        VmState.Stopping => 4,
        VmState.Saved => 6,
        VmState.Paused => 9,
        VmState.Starting => 10,
        VmState.Saving => 32773,
        _ => 1,
    };
}
