namespace HvFleet.Hypervisors;

/// <summary>A virtual machine (the host itself is never listed).</summary>
public sealed record VirtualMachineInfo(string Id, string Name, VmState State, IReadOnlyList<string> CollectionIds, uint EnabledState);
