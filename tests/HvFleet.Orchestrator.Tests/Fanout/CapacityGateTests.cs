using HvFleet.Orchestrator.Fanout;
using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Policy;

namespace HvFleet.Orchestrator.Tests.Fanout;

public sealed class CapacityGateTests
{
    [Fact]
    public void TryAcquire_AllThreeCaps_EnforcedTogether()
    {
        var gate = new CapacityGate(new FleetPolicy { MaxHostsInFlight = 2, MaxJobsPerHost = 2, MaxPerStorageKey = 3 });

        Assert.True(gate.TryAcquire(Task("a", "s")));
        Assert.True(gate.TryAcquire(Task("a", "s")));
        Assert.False(gate.TryAcquire(Task("a", "s"))); // per host
        Assert.True(gate.TryAcquire(Task("b", "s")));
        Assert.False(gate.TryAcquire(Task("b", "s"))); // per storage key
        Assert.False(gate.TryAcquire(Task("c", "t"))); // hosts in flight
        gate.Release(Task("a", "s"));
        gate.Release(Task("a", "s"));
        Assert.Equal(1, gate.HostsInFlight);
        Assert.True(gate.TryAcquire(Task("c", "t")));
    }

    [Fact]
    public void TryAcquire_NoCaps_OnlyPerHostLimit()
    {
        var gate = new CapacityGate(new FleetPolicy { MaxJobsPerHost = 1 });

        Assert.All(Enumerable.Range(0, 500), i => Assert.True(gate.TryAcquire(Task($"h{i}", "s"))));
        Assert.False(gate.TryAcquire(Task("h0", "s")));
    }

    private static FleetTask Task(string host, string storage) => new()
    {
        Id = "t",
        HostName = host,
        StorageKey = storage,
        TargetKind = TargetKind.Collection,
        RequestId = "r",
    };
}
