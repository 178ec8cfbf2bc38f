using HvFleet.Hypervisors;

namespace HvFleet.Agent.Jobs;

/// <summary>The outcome of a start: the job when one exists for the call, a message when refused.</summary>
internal sealed record JobStartResult(JobStartOutcome Outcome, AgentJob? Job, string? Message)
{
    /// <summary>For <see cref="JobStartOutcome.TargetNotReady"/>: the Hyper-V code that says why, and its family.</summary>
    public (uint Code, HyperVCodeFamily Family)? HyperVCode { get; init; }

    public static JobStartResult Refused(JobStartOutcome outcome, string message) => new(outcome, null, message);

    /// <summary>A request whose fields are invalid: every error, each naming its field.</summary>
    public static JobStartResult Invalid(IReadOnlyList<FieldError> errors) => Refused(JobStartOutcome.InvalidRequest, string.Join("; ", errors));

    /// <summary>A target that cannot be worked on now, with Hyper-V's reason.</summary>
    public static JobStartResult NotReady(uint hyperVCode, HyperVCodeFamily family, string message) =>
        Refused(JobStartOutcome.TargetNotReady, message) with { HyperVCode = (hyperVCode, family) };

    /// <summary>A start refused because the job store could not read or write (the exception's message names the cause and the file).</summary>
    public static JobStartResult StoreRefused(JobStoreException problem) => Refused(
        problem.Problem == JobStoreProblem.NoSpace ? JobStartOutcome.StoreFull : JobStartOutcome.StoreFailed, problem.Message);
}
