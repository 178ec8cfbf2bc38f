namespace HvFleet.Chaos.Tests.Processes;

/// <summary>The agent process ended before it served (a port taken meanwhile, or a refused start).</summary>
internal sealed class AgentExitedException : InvalidOperationException
{
    public AgentExitedException()
    {
    }

    public AgentExitedException(string message)
        : base(message)
    {
    }

    public AgentExitedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
