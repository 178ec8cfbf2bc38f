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

    [Fact]
    public void ForOperation_SameCallerRequestId_SameSixteenHexDigitId()
    {
        string id = RequestIds.ForOperation(OperationKind.Snapshot, "", "nightly-1");

        Assert.Equal(id, RequestIds.ForOperation(OperationKind.Snapshot, "", "nightly-1"));
        Assert.Matches("^[0-9a-f]{16}$", id);
    }

    [Fact]
    public void ForOperation_OtherRequestIdKindOrRetry_OtherId()
    {
        string snapshot = RequestIds.ForOperation(OperationKind.Snapshot, "", "nightly-1");

        Assert.NotEqual(snapshot, RequestIds.ForOperation(OperationKind.Snapshot, "", "nightly-2"));
        Assert.NotEqual(snapshot, RequestIds.ForOperation(OperationKind.Export, "", "nightly-1"));
        Assert.NotEqual(snapshot, RequestIds.ForOperation(OperationKind.Snapshot, snapshot, "nightly-1"));
    }

    [Fact]
    public void ForOperation_LongRequestId_TaskIdsStayWithinTheLimit()
    {
        string operation = RequestIds.ForOperation(OperationKind.Snapshot, "", new string('r', 500));

        Assert.InRange(RequestIds.ForTarget(operation, "hv1", TargetKind.Collection, Guid.NewGuid().ToString("D")).Length, 1, RequestIds.MaxLength);
    }
}
