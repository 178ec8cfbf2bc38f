using Google.Protobuf.WellKnownTypes;
using HvFleet.Orchestrator.Api;
using HvFleet.Orchestrator.Policy;
using PbFleet = HvFleet.Protos.Orchestrator.V1;

namespace HvFleet.Orchestrator.Tests.Api;

public sealed class FleetProtoMappingTests
{
    [Fact]
    public void ToDomain_EmptyPolicy_Defaults()
    {
        var policy = FleetProtoMapping.ToDomain(new PbFleet.Policy());

        Assert.Equal(FleetPolicy.Default, policy);
        Assert.Null(policy.FailureBudget);
        Assert.Equal(2, policy.MaxRetries);
    }

    [Theory]
    [InlineData(0, false, null)]
    [InlineData(0, true, 0)]
    [InlineData(3, false, 3)]
    [InlineData(-1, true, null)]
    public void ToDomain_FailureBudget_SetFlagTellsZeroFromUnset(int value, bool set, int? expected)
    {
        var policy = FleetProtoMapping.ToDomain(new PbFleet.Policy { FailureBudget = value, FailureBudgetSet = set, WaveFailureBudget = value, WaveFailureBudgetSet = set });

        Assert.Equal(expected, policy.FailureBudget);
        Assert.Equal(expected, policy.WaveFailureBudget);
    }

    [Fact]
    public void ToDomain_NegativeRetriesAndDurations_Mapped()
    {
        var policy = FleetProtoMapping.ToDomain(new PbFleet.Policy
        {
            MaxRetries = -1,
            HostTimeout = Duration.FromTimeSpan(TimeSpan.FromMinutes(5)),
            RetryBackoff = Duration.FromTimeSpan(TimeSpan.FromSeconds(40)),
        });

        Assert.Equal(0, policy.MaxRetries);
        Assert.Equal(TimeSpan.FromMinutes(5), policy.HostTimeout);
        Assert.Equal(TimeSpan.FromSeconds(40), policy.RetryBackoffMax);
    }

    [Fact]
    public void ToProto_ThenBack_SamePolicy()
    {
        var policy = new FleetPolicy
        {
            MaxHostsInFlight = 10,
            MaxJobsPerHost = 2,
            MaxPerStorageKey = 3,
            HostTimeout = TimeSpan.FromMinutes(2),
            MaxRetries = 0,
            FailureBudget = 0,
            WaveSize = 5,
            WaveFailureBudget = 2,
            CleanupOnFailure = true,
        };

        Assert.Equal(policy, FleetProtoMapping.ToDomain(FleetProtoMapping.ToProto(policy)));
    }
}
