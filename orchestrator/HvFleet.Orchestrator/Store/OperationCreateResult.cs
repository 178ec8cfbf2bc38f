using HvFleet.Orchestrator.Operations;

namespace HvFleet.Orchestrator.Store;

/// <summary>The stored operation, and whether this call created it (false: an earlier one with the same request id).</summary>
public sealed record OperationCreateResult(FleetOperation Operation, bool Created);
