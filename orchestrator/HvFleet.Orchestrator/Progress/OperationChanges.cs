using HvFleet.Orchestrator.Operations;

namespace HvFleet.Orchestrator.Progress;

/// <summary>What changed between two reads of an operation from the store, as watch events: the whole operation when its
/// own fields changed (or on the first read), else one event per changed task. Used to follow an operation that another
/// orchestrator runs, whose live view is not in this process.</summary>
internal static class OperationChanges
{
    /// <param name="before">The previous read (null: none yet).</param>
    /// <param name="after">The current read.</param>
    /// <param name="nextSequence">Sequence number of the first event returned; the others follow it.</param>
    /// <param name="now">For the summaries.</param>
    public static List<OperationEvent> Between(FleetOperation? before, FleetOperation after, long nextSequence, DateTimeOffset now)
    {
        var summary = after.Summarize(now);
        if (before is null || before.State != after.State || before.Message != after.Message || before.StartedAt != after.StartedAt
            || before.FinishedAt != after.FinishedAt || before.IsPlanned != after.IsPlanned || before.Tasks.Count != after.Tasks.Count)
        {
            return [new OperationEvent(nextSequence, after.State, after, null, summary)];
        }

        var previous = before.Tasks.ToDictionary(t => t.Id, StringComparer.Ordinal);
        var events = new List<OperationEvent>();
        foreach (var task in after.Tasks)
        {
            if (!previous.TryGetValue(task.Id, out var old) || !Same(old, task))
            {
                events.Add(new OperationEvent(nextSequence + events.Count, after.State, null, task, summary));
            }
        }

        return events;
    }

    // Records compare their lists by reference; a task read twice has equal ids in two different lists.
    private static bool Same(FleetTask a, FleetTask b) =>
        a with { SnapshotIds = [] } == b with { SnapshotIds = [] } && a.SnapshotIds.SequenceEqual(b.SnapshotIds, StringComparer.Ordinal);
}
