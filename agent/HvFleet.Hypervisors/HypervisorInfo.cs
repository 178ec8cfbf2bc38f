namespace HvFleet.Hypervisors;

/// <summary>What a backend reports about itself.</summary>
public sealed record HypervisorInfo(HypervisorKind Kind, string Version, IReadOnlyList<string> Capabilities);
