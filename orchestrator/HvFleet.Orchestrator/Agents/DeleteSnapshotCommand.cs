namespace HvFleet.Orchestrator.Agents;

/// <summary>Remove one snapshot (collection).</summary>
public sealed record DeleteSnapshotCommand(string SnapshotId, string RequestId);
