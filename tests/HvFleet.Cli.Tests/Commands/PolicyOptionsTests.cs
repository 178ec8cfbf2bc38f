using System.CommandLine;
using HvFleet.Cli.Commands;

namespace HvFleet.Cli.Tests.Commands;

public sealed class PolicyOptionsTests
{
    [Fact]
    public void Bind_NoFlags_NullSoServerDefaultsApply()
    {
        var (command, policy) = Create();

        Assert.Null(policy.Bind(command.Parse([])));
    }

    [Fact]
    public void Bind_EveryFlag_MappedToThePolicyMessage()
    {
        var (command, policy) = Create();

        var bound = policy.Bind(command.Parse([
            "--max-hosts-in-flight", "50", "--max-jobs-per-host", "2", "--max-per-storage", "4", "--host-timeout", "10m",
            "--max-retries", "0", "--retry-backoff", "2s", "--failure-budget", "0", "--wave-size", "25", "--wave-failure-budget", "3",
            "--cleanup-on-failure"]))!;

        Assert.Equal((50, 2, 4), (bound.MaxHostsInFlight, bound.MaxJobsPerHost, bound.MaxPerStorageKey));
        Assert.Equal(TimeSpan.FromMinutes(10), bound.HostTimeout.ToTimeSpan());
        Assert.Equal(-1, bound.MaxRetries); // "no retries" in the API's encoding
        Assert.Equal(TimeSpan.FromSeconds(2), bound.RetryBackoff.ToTimeSpan());
        Assert.Equal((0, true), (bound.FailureBudget, bound.FailureBudgetSet));
        Assert.Equal((25, 3, true), (bound.WaveSize, bound.WaveFailureBudget, bound.WaveFailureBudgetSet));
        Assert.True(bound.CleanupOnFailure);
    }

    private static (Command, PolicyOptions) Create()
    {
        var command = new RootCommand();
        var policy = new PolicyOptions();
        policy.AddTo(command);
        return (command, policy);
    }
}
