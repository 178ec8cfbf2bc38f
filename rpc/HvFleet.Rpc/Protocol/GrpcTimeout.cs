using System.Globalization;

namespace HvFleet.Rpc.Protocol;

/// <summary>Parsing and encoding of the <c>grpc-timeout</c> header (reference §1.1).</summary>
public static class GrpcTimeout
{
    /// <summary>The largest timeout honoured; longer ones are capped (as grpc-dotnet does).</summary>
    public static readonly TimeSpan Maximum = TimeSpan.FromSeconds(99_999_999);

    /// <summary>
    /// Parses "digits + unit" (at most 8 digits; H, M, S, m, u, n). Malformed or zero values are
    /// rejected (false), which callers treat as "no deadline", the lenient choice.
    /// </summary>
    public static bool TryParse(string? value, out TimeSpan timeout)
    {
        timeout = default;
        if (string.IsNullOrEmpty(value) || value.Length < 2 || value.Length > 9)
        {
            return false;
        }

        if (!long.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            return false;
        }

        long ticks;
        switch (value[^1])
        {
            case 'H': ticks = amount * TimeSpan.TicksPerHour; break;
            case 'M': ticks = amount * TimeSpan.TicksPerMinute; break;
            case 'S': ticks = amount * TimeSpan.TicksPerSecond; break;
            case 'm': ticks = amount * TimeSpan.TicksPerMillisecond; break;
            case 'u': ticks = amount * (TimeSpan.TicksPerMillisecond / 1000); break;
            case 'n': ticks = Math.Max(1, amount / 100); break;
            default: return false;
        }

        timeout = ticks > Maximum.Ticks ? Maximum : TimeSpan.FromTicks(ticks);
        return true;
    }

    /// <summary>
    /// Encodes a timeout so it fits 8 digits: milliseconds rounded up, then the coarsest unit that
    /// keeps the value exact enough. A timeout already past is sent as "1n".
    /// </summary>
    public static string Encode(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return "1n";
        }

        const long MaxDigits = 99_999_999;
        var ms = (long)Math.Ceiling(timeout.TotalMilliseconds);
        if (ms <= MaxDigits)
        {
            return ms.ToString(CultureInfo.InvariantCulture) + "m";
        }

        var seconds = (long)Math.Ceiling(timeout.TotalSeconds);
        if (seconds <= MaxDigits)
        {
            return seconds.ToString(CultureInfo.InvariantCulture) + "S";
        }

        var minutes = (long)Math.Ceiling(timeout.TotalMinutes);
        if (minutes <= MaxDigits)
        {
            return minutes.ToString(CultureInfo.InvariantCulture) + "M";
        }

        var hours = Math.Min((long)Math.Ceiling(timeout.TotalHours), MaxDigits);
        return hours.ToString(CultureInfo.InvariantCulture) + "H";
    }
}
