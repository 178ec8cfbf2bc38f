using HvFleet.Orchestrator.Operations;

namespace HvFleet.Orchestrator.Tests.Operations;

public sealed class OperationSummaryTests
{
    [Fact]
    public void From_MixedOutcomes_CountsPercentBytesAndEta()
    {
        var started = new DateTimeOffset(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);
        var operation = new FleetOperation
        {
            Id = "op",
            Kind = OperationKind.Snapshot,
            State = OperationState.Running,
            CreatedAt = started,
            StartedAt = started,
            Tasks =
            [
                Task(TaskOutcome.Succeeded, 100, 1000, 1000),
                Task(TaskOutcome.Running, 50, 500, 1000),
                Task(TaskOutcome.Skipped, 0, 0, 0),
                Task(TaskOutcome.Pending, 0, 0, 0),
            ],
        };

        var summary = operation.Summarize(started.AddSeconds(60));

        Assert.Equal((4, 2, 1, 1, 1, 1), (summary.Total, summary.Done, summary.Succeeded, summary.Skipped, summary.Running, summary.Pending));
        Assert.Equal(1, summary.FailedTotal);
        Assert.Equal((1500L, 2000L), (summary.BytesDone, summary.BytesTotal));
        Assert.Equal(62.5, summary.Percent);
        Assert.Equal(36, summary.Eta!.Value.TotalSeconds, 3);
    }

    private static FleetTask Task(TaskOutcome outcome, int percent, long done, long total) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        HostName = "h",
        TargetKind = TargetKind.Collection,
        RequestId = "r",
        Outcome = outcome,
        Percent = percent,
        BytesDone = done,
        BytesTotal = total,
    };
}
