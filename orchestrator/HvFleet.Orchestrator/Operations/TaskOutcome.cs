namespace HvFleet.Orchestrator.Operations;

/// <summary>Where one host × target unit of work stands (mirrors <c>TaskOutcome</c>).</summary>
public enum TaskOutcome
{
    Pending = 1,
    Running = 2,
    Succeeded = 3,
    Failed = 4,
    Skipped = 5,
    Unreachable = 6,
    TimedOut = 7,
    Cancelled = 8,
    /// <summary>Waiting before a retry.</summary>
    Retrying = 9,
}
