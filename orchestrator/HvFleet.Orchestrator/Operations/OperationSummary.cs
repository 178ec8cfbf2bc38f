namespace HvFleet.Orchestrator.Operations;

/// <summary>Targets done of total, counts per outcome, bytes, percent and an ETA.</summary>
public sealed record OperationSummary
{
    public int Total { get; init; }
    public int Done { get; init; }
    public int Succeeded { get; init; }
    public int Failed { get; init; }
    public int Skipped { get; init; }
    public int Unreachable { get; init; }
    public int TimedOut { get; init; }
    public int Cancelled { get; init; }
    public int Running { get; init; }
    public int Pending { get; init; }
    public long BytesDone { get; init; }
    public long BytesTotal { get; init; }

    /// <summary>0..100 over all targets (a finished target counts 100).</summary>
    public double Percent { get; init; }

    /// <summary>Estimated time left, linear in percent since the operation started; null when unknown.</summary>
    public TimeSpan? Eta { get; init; }

    /// <summary>Everything that did not succeed (skipped, unreachable and timed out included).</summary>
    public int FailedTotal => Failed + Skipped + Unreachable + TimedOut + Cancelled;

    public static OperationSummary From(FleetOperation operation, DateTimeOffset now)
    {
        int succeeded = 0, failed = 0, skipped = 0, unreachable = 0, timedOut = 0, cancelled = 0, running = 0, pending = 0;
        long bytesDone = 0, bytesTotal = 0;
        double percentSum = 0;
        foreach (var task in operation.Tasks)
        {
            switch (task.Outcome)
            {
                case TaskOutcome.Succeeded: succeeded++; break;
                case TaskOutcome.Failed: failed++; break;
                case TaskOutcome.Skipped: skipped++; break;
                case TaskOutcome.Unreachable: unreachable++; break;
                case TaskOutcome.TimedOut: timedOut++; break;
                case TaskOutcome.Cancelled: cancelled++; break;
                case TaskOutcome.Running or TaskOutcome.Retrying: running++; break;
                default: pending++; break;
            }

            bytesDone += task.BytesDone;
            bytesTotal += task.BytesTotal;
            percentSum += task.Outcome.IsTerminal() ? 100 : Math.Clamp(task.Percent, 0, 100);
        }

        int total = operation.Tasks.Count;
        double percent = total == 0 ? (operation.State.IsTerminal() ? 100 : 0) : percentSum / total;
        TimeSpan? eta = null;
        if (operation.State.IsTerminal())
        {
            eta = TimeSpan.Zero;
        }
        else if (operation.StartedAt is { } started && percent is > 0 and < 100)
        {
            var elapsed = now - started;
            eta = TimeSpan.FromTicks((long)(elapsed.Ticks * (100 - percent) / percent));
        }

        return new OperationSummary
        {
            Total = total,
            Done = total - running - pending,
            Succeeded = succeeded,
            Failed = failed,
            Skipped = skipped,
            Unreachable = unreachable,
            TimedOut = timedOut,
            Cancelled = cancelled,
            Running = running,
            Pending = pending,
            BytesDone = bytesDone,
            BytesTotal = bytesTotal,
            Percent = percent,
            Eta = eta,
        };
    }
}
