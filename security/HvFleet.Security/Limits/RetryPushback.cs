using System.Globalization;
using Grpc.Core;

namespace HvFleet.Security.Limits;

/// <summary>
/// When to retry a call refused with RESOURCE_EXHAUSTED: the trailer <c>grpc-retry-pushback-ms</c>, a
/// non-negative integer of milliseconds, as gRPC's retry design (gRFC A6, "server pushback") defines it, so a
/// client with a gRPC retry policy (grpc-dotnet, grpcio, grpc-js) honours it too. The orchestrator waits that
/// long before it tries the call again, instead of its own shorter backoff.
/// </summary>
public static class RetryPushback
{
    /// <summary>The trailer's name.</summary>
    public const string TrailerName = "grpc-retry-pushback-ms";

    /// <summary>Trailers that carry <paramref name="delay"/> (rounded up to a whole millisecond, at least 1).</summary>
    public static Metadata ToTrailers(TimeSpan delay)
    {
        long milliseconds = Math.Max(1, (long)Math.Ceiling(delay.TotalMilliseconds));
        return new Metadata { { TrailerName, milliseconds.ToString(CultureInfo.InvariantCulture) } };
    }

    /// <summary>The delay the trailers ask for; false when there is none or it is not a non-negative integer (gRFC A6:
    /// such a value means "do not retry", so no delay is taken from it).</summary>
    public static bool TryRead(Metadata trailers, out TimeSpan delay)
    {
        ArgumentNullException.ThrowIfNull(trailers);
        delay = TimeSpan.Zero;
        if (trailers.GetValue(TrailerName) is not { } value
            || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long milliseconds))
        {
            return false;
        }

        delay = TimeSpan.FromMilliseconds(Math.Min(milliseconds, (long)TimeSpan.MaxValue.TotalMilliseconds / 2));
        return true;
    }
}
