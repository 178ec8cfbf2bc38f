namespace HvFleet.Agent.Jobs;

/// <summary>The outcome of a start: the job when one exists for the call, a message when refused.</summary>
internal sealed record JobStartResult(JobStartOutcome Outcome, AgentJob? Job, string? Message)
{
    public static JobStartResult Refused(JobStartOutcome outcome, string message) => new(outcome, null, message);

    /// <summary>A start refused because the job store could not read or write (the exception's message names the cause and the file).</summary>
    public static JobStartResult StoreRefused(JobStoreException problem) => Refused(
        problem.Problem == JobStoreProblem.NoSpace ? JobStartOutcome.StoreFull : JobStartOutcome.StoreFailed, problem.Message);
}
