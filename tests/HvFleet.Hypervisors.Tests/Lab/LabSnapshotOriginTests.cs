using HvFleet.Hypervisors.Tests.Conformance;

namespace HvFleet.Hypervisors.Tests.Lab;

/// <summary>The job identity a lab checkpoint carries lives in the lab's state, so it outlives the process.</summary>
public sealed class LabSnapshotOriginTests : LabTestBase
{
    [Fact]
    public async Task Restart_SnapshotWithOrigin_IsFoundByItsRequestIdAfterRestart()
    {
        var first = Host.Create();
        var group = (await first.ListCollectionsAsync(Timeout))[0];
        var origin = new SnapshotOrigin(Guid.NewGuid().ToString("D"), "nightly-2026-12-04");
        var created = await first.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.Collection(group.Id), SnapshotKind.Recovery, null, Origin: origin), new RecordingObserver(), Timeout);
        await first.DisposeAsync();

        var second = Host.Create();
        var found = Assert.Single(await ((IHypervisor)second).FindSnapshotsByOriginAsync(new SnapshotOrigin(null, origin.RequestId), Timeout));

        Assert.Equal(Assert.Single(created.SnapshotIds), found.Id);
        Assert.Equal(origin, found.Origin);
    }
}
