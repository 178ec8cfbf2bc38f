using HvFleet.Orchestrator.Operations;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>One attempt's end: the task as it left it and, when it failed, why.</summary>
internal sealed record AttemptResult(FleetTask Task, AttemptEnd End, AttemptFailure? Failure = null);
