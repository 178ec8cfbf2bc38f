using HvFleet.Orchestrator.Policy;

namespace HvFleet.Orchestrator.Tests.Policy;

public sealed class FleetPolicyTests
{
    [Fact]
    public void Validate_Default_NoErrors() => Assert.Empty(FleetPolicy.Default.Validate());

    [Fact]
    public void Validate_EverythingWrong_EveryFieldNamed()
    {
        var errors = new FleetPolicy
        {
            MaxHostsInFlight = -1,
            MaxJobsPerHost = 0,
            MaxPerStorageKey = -2,
            HostTimeout = TimeSpan.Zero,
            MaxRetries = -1,
            RetryBackoff = TimeSpan.FromSeconds(5),
            RetryBackoffMax = TimeSpan.FromSeconds(1),
            FailureBudget = -1,
            WaveSize = -1,
            WaveFailureBudget = -3,
        }.Validate();

        Assert.Equal(9, errors.Count);
        foreach (string field in new[] { "max_hosts_in_flight", "max_jobs_per_host", "max_per_storage_key", "host_timeout", "max_retries",
                     "retry_backoff", "failure_budget", "wave_size", "wave_failure_budget" })
        {
            Assert.Contains(errors, e => e.Contains($"policy.{field} ", StringComparison.Ordinal));
        }
    }
}
