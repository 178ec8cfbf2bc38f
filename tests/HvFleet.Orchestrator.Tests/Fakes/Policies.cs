using HvFleet.Orchestrator.Policy;

namespace HvFleet.Orchestrator.Tests.Fakes;

/// <summary>Policies with test-sized backoffs (no real waiting).</summary>
internal static class Policies
{
    public static FleetPolicy Fast { get; } = new()
    {
        MaxJobsPerHost = 4,
        RetryBackoff = TimeSpan.FromMilliseconds(1),
        RetryBackoffMax = TimeSpan.FromMilliseconds(4),
    };
}
