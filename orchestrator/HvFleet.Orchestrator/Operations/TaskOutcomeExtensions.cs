namespace HvFleet.Orchestrator.Operations;

/// <summary>Classification of task outcomes and operation states.</summary>
public static class TaskOutcomeExtensions
{
    /// <summary>True once the task will not change any more within its operation.</summary>
    public static bool IsTerminal(this TaskOutcome outcome) => outcome is TaskOutcome.Succeeded or TaskOutcome.Failed
        or TaskOutcome.Skipped or TaskOutcome.Unreachable or TaskOutcome.TimedOut or TaskOutcome.Cancelled;

    /// <summary>Terminal and not succeeded: counted as a failure in the report (skipped included).</summary>
    public static bool IsFailure(this TaskOutcome outcome) => outcome.IsTerminal() && outcome != TaskOutcome.Succeeded;

    /// <summary>What RetryOperation re-runs.</summary>
    public static bool IsRetryable(this TaskOutcome outcome) => outcome.IsFailure();

    /// <summary>True once the operation will not change any more.</summary>
    public static bool IsTerminal(this OperationState state) => state is OperationState.Succeeded
        or OperationState.PartiallyFailed or OperationState.Failed or OperationState.Cancelled or OperationState.Planned;
}
