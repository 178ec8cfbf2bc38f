using HvFleet.Hypervisors;

namespace HvFleet.Agent.Jobs;

/// <summary>The host's VMs (by id, case-insensitive) and VM groups at one listing.</summary>
internal sealed class HostInventory(IReadOnlyList<VirtualMachineInfo> vms, IReadOnlyList<VmCollectionInfo> collections)
{
    private readonly Dictionary<string, VirtualMachineInfo> _vms = vms.ToDictionary(v => v.Id, StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<VmCollectionInfo> Collections { get; } = collections;

    public bool TryGetVm(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out VirtualMachineInfo? vm) => _vms.TryGetValue(id, out vm);

    public VmCollectionInfo? FindCollection(string id) =>
        Collections.FirstOrDefault(c => string.Equals(c.Id, id, StringComparison.OrdinalIgnoreCase));
}
