using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Progress;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>What one operation's run shares between its coordinator and task runners.</summary>
/// <param name="Live">The in-memory view and its watchers.</param>
/// <param name="Cancel">Cancelled by CancelOperation: tasks end Cancelled and their agent jobs are cancelled.</param>
/// <param name="Shutdown">Cancelled when the orchestrator stops: tasks stop where they stand, nothing is written,
/// and the next orchestrator resumes them (re-attaching through the same request ids).</param>
internal sealed record RunContext(LiveOperation Live, CancellationToken Cancel, CancellationToken Shutdown)
{
    public FleetOperation Operation => Live.Snapshot();
}
