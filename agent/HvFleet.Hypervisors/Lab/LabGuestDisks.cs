namespace HvFleet.Hypervisors.Lab;

/// <summary>A running VM's live disk files, as the guest writer sees them.</summary>
internal sealed record LabGuestDisks(string VmId, IReadOnlyList<string> DiskPaths);
