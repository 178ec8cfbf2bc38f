namespace HvFleet.Hypervisors;

/// <summary>One VM captured in a snapshot.</summary>
public sealed record VmSnapshotInfo(string VmId, string VmName, string SnapshotId);
