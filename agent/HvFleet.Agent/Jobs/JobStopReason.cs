namespace HvFleet.Agent.Jobs;

/// <summary>Why a running job's token fired.</summary>
internal enum JobStopReason
{
    None = 0,

    /// <summary>CancelJob: the job ends Cancelled.</summary>
    Cancelled = 1,

    /// <summary>The agent is shutting down: the job ends Failed ("agent stopped").</summary>
    AgentStopping = 2,
}
