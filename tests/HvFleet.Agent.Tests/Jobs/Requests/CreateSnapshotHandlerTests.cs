using HvFleet.Agent.Jobs;
using HvFleet.Agent.Jobs.Requests;
using HvFleet.Agent.Tests.Jobs.Fakes;
using HvFleet.Hypervisors;
using HvFleet.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HvFleet.Agent.Tests.Jobs.Requests;

public sealed class CreateSnapshotHandlerTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task HandleAsync_TwoRequestsWithinTheTtl_ListTheHostOnce_OneAfterItListsAgain()
    {
        var clock = new ManualTimeProvider();
        await using var engine = await JobEngineHarness.StartAsync(o => o.InventoryCacheTtl = Ttl, clock);
        var handler = Handler(engine);
        AddGroups(engine.Hypervisor, "g1", "g2", "g3");

        await StartAsync(handler, "g1");
        clock.Advance(Ttl - TimeSpan.FromMilliseconds(1));
        await StartAsync(handler, "g2");
        Assert.Equal(1, engine.Hypervisor.VmListings);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        await StartAsync(handler, "g3");
        Assert.Equal(2, engine.Hypervisor.VmListings);
    }

    [Fact]
    public async Task HandleAsync_AfterASnapshotJobEnds_ListsTheHostAgainWithinTheTtl()
    {
        var clock = new ManualTimeProvider();
        await using var engine = await JobEngineHarness.StartAsync(o => o.InventoryCacheTtl = Ttl, clock);
        var handler = Handler(engine);
        AddGroups(engine.Hypervisor, "g1", "g2");
        var first = await StartAsync(handler, "g1");
        (await engine.Hypervisor.NextCallAsync()).Complete(new OperationResult(["snap-1"]));
        await engine.WaitForStateAsync(first.Id, JobState.Completed);

        await StartAsync(handler, "g2");

        Assert.Equal(2, engine.Hypervisor.VmListings);
    }

    [Fact]
    public async Task HandleAsync_MissingGroup_IsTargetNotFoundAndCreatesNoJob()
    {
        await using var engine = await JobEngineHarness.StartAsync();
        var handler = Handler(engine);

        var result = await handler.HandleAsync(Request("nope"), "req-missing", CancellationToken.None);

        Assert.Equal(JobStartOutcome.TargetNotFound, result.Outcome);
        Assert.Contains("collection_id", result.Message, StringComparison.Ordinal);
        Assert.Null(await engine.Manager.FindByRequestIdAsync("req-missing", CancellationToken.None));
    }

    [Fact]
    public async Task HandleAsync_ReplayAfterTheGroupIsGone_ReturnsTheJobWithoutCheckingTheTarget()
    {
        await using var engine = await JobEngineHarness.StartAsync(o => o.InventoryCacheTtl = TimeSpan.Zero);
        var handler = Handler(engine);
        AddGroups(engine.Hypervisor, "g1");
        var first = await handler.HandleAsync(Request("g1"), "req-replay", CancellationToken.None);
        engine.Hypervisor.Collections.Clear();

        var replay = await handler.HandleAsync(Request("g1"), "req-replay", CancellationToken.None);

        Assert.Equal(JobStartOutcome.Existing, replay.Outcome);
        Assert.Equal(first.Job!.Id, replay.Job!.Id);
        Assert.Equal(1, engine.Hypervisor.VmListings);
    }

    private static CreateSnapshotHandler Handler(JobEngineHarness engine) =>
        new(engine.Manager, engine.Services.GetRequiredService<HostInventoryCache>());

    private static SnapshotRequest Request(string collectionId) =>
        new(SnapshotTarget.Collection(collectionId), SnapshotKind.Recovery, null);

    // Every group a test uses is on the host from the start: only the clock and job ends decide whether the host is listed again.
    private static void AddGroups(FakeHypervisor hypervisor, params string[] collectionIds)
    {
        foreach (var collectionId in collectionIds)
        {
            var vmId = "vm-" + collectionId;
            hypervisor.VirtualMachines.Add(new VirtualMachineInfo(vmId, vmId, VmState.Running, [collectionId], 2));
            hypervisor.Collections.Add(new VmCollectionInfo(collectionId, collectionId, CollectionKind.VmCollection, [vmId]));
        }
    }

    private static async Task<AgentJob> StartAsync(CreateSnapshotHandler handler, string collectionId)
    {
        var result = await handler.HandleAsync(Request(collectionId), null, CancellationToken.None);
        Assert.Equal(JobStartOutcome.Created, result.Outcome);
        return result.Job!;
    }
}
