using HvFleet.Orchestrator.Agents;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>A cancel's result: the job's state after it (null when none was found or the cancel was not confirmed),
/// and whether the agent answered at all.</summary>
internal sealed record CancelResult(RemoteJob? Job, bool Answered);
