namespace HvFleet.Orchestrator.Agents;

/// <summary>An agent call failed before or instead of producing a job (transport or RPC status).
/// A job that fails is not an exception: it is an <see cref="AgentJob"/> in state Failed.</summary>
public sealed class AgentCallException : Exception
{
    public AgentCallException(AgentStatusCode status, string detail, Exception? inner = null)
        : base($"{status}: {detail}", inner)
    {
        Status = status;
        Detail = detail;
    }

    public AgentStatusCode Status { get; }

    public string Detail { get; }

    /// <summary>Retried under the policy: the host may answer later. Never InvalidArgument or PermissionDenied.</summary>
    public bool IsRetryable => Status is AgentStatusCode.Unavailable or AgentStatusCode.ResourceExhausted
        or AgentStatusCode.DeadlineExceeded or AgentStatusCode.Aborted;
}
