using HvFleet.Orchestrator.Policy;

namespace HvFleet.Orchestrator.Tests.Policy;

public sealed class RetryBackoffTests
{
    private static readonly FleetPolicy Policy = new() { RetryBackoff = TimeSpan.FromSeconds(1), RetryBackoffMax = TimeSpan.FromSeconds(10) };

    [Theory]
    [InlineData(1, 0.0, 500)]
    [InlineData(1, 0.999999, 1000)]
    [InlineData(2, 0.0, 1000)]
    [InlineData(3, 0.5, 3000)]
    [InlineData(10, 0.0, 5000)]
    [InlineData(10, 0.999999, 10000)]
    public void Delay_ExponentialWithEqualJitterCapped(int retry, double random, int expectedMs) =>
        Assert.Equal(expectedMs, RetryBackoff.Delay(Policy, retry, random).TotalMilliseconds, 0);

    [Fact]
    public void Delay_ManyRetries_NeverOverflowsPastTheCap() =>
        Assert.Equal(TimeSpan.FromSeconds(10), RetryBackoff.Delay(Policy, 1000, 1.0));
}
