namespace HvFleet.Orchestrator.Operations;

/// <summary>The lifecycle state of a fleet operation (mirrors <c>hvfleet.orchestrator.v1.OperationState</c>).</summary>
public enum OperationState
{
    Pending = 1,
    Running = 2,
    Succeeded = 3,
    PartiallyFailed = 4,
    Failed = 5,
    Cancelled = 6,
    Cancelling = 7,
    /// <summary>A dry run: the plan, no action.</summary>
    Planned = 8,
}
