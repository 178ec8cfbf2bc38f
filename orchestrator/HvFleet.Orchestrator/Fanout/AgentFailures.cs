using HvFleet.Orchestrator.Agents;
using HvFleet.Orchestrator.Operations;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>What a failed agent call means for a task (or for the listing of a host's targets): its outcome and error.</summary>
internal static class AgentFailures
{
    public static TaskOutcome OutcomeOf(AgentCallException ex) => ex.Status switch
    {
        AgentStatusCode.Unavailable => TaskOutcome.Unreachable,
        AgentStatusCode.DeadlineExceeded => TaskOutcome.TimedOut,
        _ => TaskOutcome.Failed,
    };

    public static TaskError ErrorOf(AgentCallException ex) => new(0, ex.Status switch
    {
        AgentStatusCode.Unavailable => "agent unreachable",
        AgentStatusCode.DeadlineExceeded => "deadline exceeded",
        AgentStatusCode.ResourceExhausted => "agent busy",
        AgentStatusCode.InvalidArgument => "invalid argument",
        AgentStatusCode.PermissionDenied => "permission denied",
        AgentStatusCode.NotFound => "not found",
        AgentStatusCode.FailedPrecondition => "failed precondition",
        _ => ex.Status.ToString(),
    }, ex.Detail, (int)ex.Status);
}
