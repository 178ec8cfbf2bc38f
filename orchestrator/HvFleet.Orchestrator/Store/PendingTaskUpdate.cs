using HvFleet.Orchestrator.Operations;

namespace HvFleet.Orchestrator.Store;

/// <summary>A task update waiting for the next group commit; <see cref="Done"/> completes once it is committed.</summary>
internal sealed record PendingTaskUpdate(string OperationId, FleetTask Task, TaskCompletionSource Done);
