namespace HvFleet.Orchestrator.Agents;

/// <summary>An agent call failed before or instead of producing a job (transport or RPC status).
/// A job that fails is not an exception: it is an <see cref="RemoteJob"/> in state Failed.</summary>
public sealed class AgentCallException : Exception
{
    public AgentCallException(AgentStatusCode status, string detail, Exception? inner = null)
        : base($"{status}: {detail}", inner)
    {
        Status = status;
        Detail = detail;
    }

    /// <param name="status">The RPC status.</param>
    /// <param name="detail">The status detail.</param>
    /// <param name="retryAfter">When the agent said to try again (RESOURCE_EXHAUSTED with a retry pushback), or null.</param>
    /// <param name="inner">The transport's exception.</param>
    public AgentCallException(AgentStatusCode status, string detail, TimeSpan? retryAfter, Exception? inner = null)
        : this(status, detail, inner)
    {
        RetryAfter = retryAfter;
    }

    public AgentStatusCode Status { get; }

    public string Detail { get; }

    /// <summary>How long the agent asked the caller to wait before trying again (it refused the call under a limit), or
    /// null when it did not say. The task runner waits this long instead of its own backoff.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Retried under the policy: the host may answer later. Never InvalidArgument or PermissionDenied.</summary>
    public bool IsRetryable => Status is AgentStatusCode.Unavailable or AgentStatusCode.ResourceExhausted
        or AgentStatusCode.DeadlineExceeded or AgentStatusCode.Aborted;
}
