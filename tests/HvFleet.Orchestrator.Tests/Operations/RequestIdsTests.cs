using HvFleet.Orchestrator.Operations;

namespace HvFleet.Orchestrator.Tests.Operations;

public sealed class RequestIdsTests
{
    [Fact]
    public void ForTarget_SameInputs_SameId() =>
        Assert.Equal(
            RequestIds.ForTarget("abc", "hv1", TargetKind.Collection, "c1"),
            RequestIds.ForTarget("abc", "hv1", TargetKind.Collection, "c1"));

    [Fact]
    public void ForTarget_Short_Readable() =>
        Assert.Equal("op-abc/hv1/vm:vm-7", RequestIds.ForTarget("abc", "hv1", TargetKind.VirtualMachine, "vm-7"));

    [Fact]
    public void ForTarget_Long_HashedWithinLimitAndDistinct()
    {
        string host = new('h', 120);
        string a = RequestIds.ForTarget("abc", host, TargetKind.Collection, "target-a");
        string b = RequestIds.ForTarget("abc", host, TargetKind.Collection, "target-b");

        Assert.InRange(a.Length, 1, RequestIds.MaxLength);
        Assert.StartsWith("op-abc#", a, StringComparison.Ordinal);
        Assert.NotEqual(a, b);
        Assert.Equal(a, RequestIds.ForTarget("abc", host, TargetKind.Collection, "target-a"));
    }

    [Fact]
    public void ForCleanup_DiffersFromTheCreateId()
    {
        string create = RequestIds.ForTarget("abc", "hv1", TargetKind.Collection, "c1");

        Assert.NotEqual(create, RequestIds.ForCleanup(create, "snap-1"));
        Assert.NotEqual(RequestIds.ForCleanup(create, "snap-1"), RequestIds.ForCleanup(create, "snap-2"));
    }
}
