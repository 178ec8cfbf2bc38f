namespace HvFleet.Orchestrator.Operations;

/// <summary>What a watcher receives: the whole operation (first and last event), or a task change with a summary.</summary>
/// <param name="Sequence">Increases with every event of the operation (a watcher may see gaps when it falls behind).</param>
/// <param name="State">The operation's state when the event was made.</param>
/// <param name="Operation">The whole operation (first event, and the terminal one), else null.</param>
/// <param name="Task">The task that changed, else null.</param>
/// <param name="Summary">The aggregated view when the event was made.</param>
public sealed record OperationEvent(long Sequence, OperationState State, FleetOperation? Operation, FleetTask? Task, OperationSummary Summary);
