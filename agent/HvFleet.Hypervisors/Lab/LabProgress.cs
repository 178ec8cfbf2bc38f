namespace HvFleet.Hypervisors.Lab;

/// <summary>Percentages of lab operations, from bytes moved.</summary>
internal static class LabProgress
{
    /// <summary><paramref name="done"/> of <paramref name="total"/> in percent, at most <paramref name="cap"/> (100 is reported once the work is committed).</summary>
    public static int Percent(long done, long total, int cap) =>
        total <= 0 ? 0 : (int)Math.Min(cap, done * 100 / total);
}
