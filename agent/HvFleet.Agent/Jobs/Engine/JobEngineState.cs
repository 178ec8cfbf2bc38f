namespace HvFleet.Agent.Jobs.Engine;

/// <summary>Whether the job engine accepts new jobs.</summary>
internal enum JobEngineState
{
    /// <summary>Recovery has not finished: starts are refused.</summary>
    Starting,

    /// <summary>Accepting jobs.</summary>
    Ready,

    /// <summary>Shutting down: starts are refused and no queued job is dispatched.</summary>
    Draining,
}
