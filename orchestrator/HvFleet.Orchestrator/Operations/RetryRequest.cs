using HvFleet.Orchestrator.Policy;

namespace HvFleet.Orchestrator.Operations;

/// <summary>RetryOperation: a new operation for the failed, skipped, unreachable, timed-out and cancelled targets.</summary>
public sealed record RetryRequest
{
    public required string OperationId { get; init; }
    public string RequestId { get; init; } = "";
    /// <summary>Replaces the original operation's policy when set.</summary>
    public FleetPolicy? Policy { get; init; }
}
