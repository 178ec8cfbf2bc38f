namespace HvFleet.Agent.Jobs;

/// <summary>The outcome of a start: the job when one exists for the call, a message when refused.</summary>
internal sealed record JobStartResult(JobStartOutcome Outcome, AgentJob? Job, string? Message)
{
    public static JobStartResult Refused(JobStartOutcome outcome, string message) => new(outcome, null, message);
}
