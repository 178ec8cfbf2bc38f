using System.Globalization;
using HvFleet.Protos.Agent.V1;

namespace HvFleet.Chaos.Tests.Invariants;

/// <summary>Where a kill lands: after the N-th job event the client received, after a delay from the call, or at the
/// commit (the first event that shows the job running at 100 %: the hypervisor's work is done, the job not yet
/// recorded as completed; the lab's after-commit delay holds it there). The seed fixes the kind and the
/// <see cref="Fraction"/> of the job (of a calibrated run's events or duration); the event number and delay follow from
/// this machine's calibration.</summary>
internal sealed record KillPoint(int AfterEvent, TimeSpan AfterDelay, bool AtCommit, double Fraction)
{
    /// <summary>A third of the kills at the commit, a third after a random event (1 = the first, the job's state when
    /// accepted), a third after a random delay within the job's calibrated duration.</summary>
    public static KillPoint Pick(Random random, int calibratedEvents, TimeSpan calibratedDuration)
    {
        int kind = random.Next(3);
        double fraction = random.NextDouble();
        return kind switch
        {
            0 => new KillPoint(0, TimeSpan.Zero, AtCommit: true, fraction),
            1 => new KillPoint(1 + (int)(fraction * Math.Max(1, calibratedEvents - 1)), TimeSpan.Zero, AtCommit: false, fraction),
            _ => new KillPoint(0, calibratedDuration * fraction, AtCommit: false, fraction),
        };
    }

    /// <summary>Whether the kill is due once <paramref name="events"/> events arrived, the last being <paramref name="job"/>
    /// (never for a delay: the delay decides).</summary>
    public bool IsDue(int events, Job job) => AtCommit
        ? job.State == JobState.Running && job.Percent == 100
        : AfterEvent > 0 && events >= AfterEvent;

    public override string ToString() => AtCommit
        ? "at the commit"
        : AfterEvent > 0
            ? string.Create(CultureInfo.InvariantCulture, $"after event {AfterEvent} ({Fraction:P0} of the events)")
            : string.Create(CultureInfo.InvariantCulture, $"after {AfterDelay.TotalMilliseconds:F0} ms ({Fraction:P0} of the time)");
}
