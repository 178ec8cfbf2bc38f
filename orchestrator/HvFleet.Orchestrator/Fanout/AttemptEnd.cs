namespace HvFleet.Orchestrator.Fanout;

/// <summary>How one attempt at a task's agent job ended.</summary>
internal enum AttemptEnd
{
    /// <summary>The agent job reached a terminal state; the task carries its result.</summary>
    JobEnded,

    /// <summary>The attempt failed (<see cref="AttemptResult.Failure"/>); the retry policy decides what comes next.</summary>
    Failed,

    /// <summary>The operation was cancelled while the attempt ran.</summary>
    CancelRequested,
}
