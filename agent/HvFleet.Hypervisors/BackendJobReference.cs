namespace HvFleet.Hypervisors;

/// <summary>A backend's own job, recorded for re-attach after an agent restart.</summary>
public sealed record BackendJobReference(string JobId, BackendOperationKind Operation, string? TargetId);
