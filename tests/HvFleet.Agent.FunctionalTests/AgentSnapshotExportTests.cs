using System.Text.Json;
using HvFleet.Protos.Agent.V1;
using Grpc.Core;

namespace HvFleet.Agent.FunctionalTests;

public class AgentSnapshotExportTests
{
    [Fact]
    public async Task CreateSnapshot_OfGroup_StreamsToCompletedAndIsListedAsRecovery()
    {
        await using var agent = await TestAgent.StartAsync();
        var group = await agent.FirstCollectionAsync();
        var events = await TestAgent.CollectAsync(agent.Client.CreateSnapshot(new CreateSnapshotRequest { CollectionId = group.Id, SnapshotType = SnapshotType.Recovery, Name = "nightly" }));

        Assert.True(events.Count >= 2, "current state first, then changes");
        Assert.Equal(events.Select(e => e.Sequence).Order(), events.Select(e => e.Sequence));
        var final = events[^1].Job;
        Assert.Equal(JobState.Completed, final.State);
        Assert.Equal(100, final.Percent);
        var snapshotId = Assert.Single(final.Result.SnapshotIds);

        var snapshots = await agent.Client.ListSnapshotsAsync(new ListSnapshotsRequest { CollectionId = group.Id });
        var snapshot = Assert.Single(snapshots.Snapshots, s => s.Id == snapshotId);
        Assert.Equal(SnapshotType.Recovery, snapshot.Type);
        Assert.Equal(SnapshotScope.Collection, snapshot.Scope);
        Assert.Equal(group.MemberVmIds.Order(), snapshot.Members.Select(m => m.VmId).Order());
    }

    [Fact]
    public async Task CreateSnapshot_OfChosenVms_OneStandardSnapshotPerVm()
    {
        await using var agent = await TestAgent.StartAsync();
        var vms = (await agent.Client.ListVirtualMachinesAsync(new ListVirtualMachinesRequest())).VirtualMachines.Take(2).ToList();
        var request = new CreateSnapshotRequest { Vms = new VmIdList(), SnapshotType = SnapshotType.Standard };
        request.Vms.VmIds.AddRange(vms.Select(v => v.Id));
        var final = (await TestAgent.CollectAsync(agent.Client.CreateSnapshot(request)))[^1].Job;

        Assert.Equal(JobState.Completed, final.State);
        Assert.Equal(2, final.Result.SnapshotIds.Count);
        var listed = (await agent.Client.ListSnapshotsAsync(new ListSnapshotsRequest())).Snapshots.Where(s => final.Result.SnapshotIds.Contains(s.Id)).ToList();
        Assert.All(listed, s => Assert.Equal(SnapshotScope.Vm, s.Scope));
        Assert.All(listed, s => Assert.Equal(SnapshotType.Standard, s.Type));
    }

    [Fact]
    public async Task ExportSnapshot_WritesLayoutAndManifestWithProgressFromBytes()
    {
        await using var agent = await TestAgent.StartAsync();
        var group = await agent.FirstCollectionAsync();
        var snapshot = (await TestAgent.CollectAsync(agent.Client.CreateSnapshot(new CreateSnapshotRequest { CollectionId = group.Id, SnapshotType = SnapshotType.Recovery })))[^1].Job.Result.SnapshotIds[0];
        var target = Path.Combine(agent.ExportRoot, "nightly");

        var events = await TestAgent.CollectAsync(agent.Client.ExportSnapshot(new ExportSnapshotRequest
        {
            SnapshotId = snapshot,
            ExportDirectory = target,
            Settings = new ExportSettings { CopyVmStorage = true, CreateVmExportSubdirectory = true },
        }));

        var final = events[^1].Job;
        Assert.Equal(JobState.Completed, final.State);
        Assert.Equal(target, final.Result.ExportPath);
        Assert.True(final.Result.ExportedBytes > 0);
        var bytes = events.Select(e => e.Job.BytesDone).ToList();
        Assert.Equal(bytes.Order(), bytes);
        Assert.True(File.Exists(final.Result.ManifestPath));
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(final.Result.ManifestPath));
        Assert.True(manifest.RootElement.ValueKind == JsonValueKind.Object);
        Assert.Equal(group.MemberVmIds.Count, Directory.GetDirectories(target).Length);
        Assert.Empty(Directory.GetDirectories(agent.ExportRoot, ".*hvfleet-tmp*"));
    }

    [Fact]
    public async Task DeleteSnapshot_RemovesIt()
    {
        await using var agent = await TestAgent.StartAsync();
        var group = await agent.FirstCollectionAsync();
        var snapshot = (await TestAgent.CollectAsync(agent.Client.CreateSnapshot(new CreateSnapshotRequest { CollectionId = group.Id, SnapshotType = SnapshotType.Standard })))[^1].Job.Result.SnapshotIds[0];
        var final = (await TestAgent.CollectAsync(agent.Client.DeleteSnapshot(new DeleteSnapshotRequest { SnapshotId = snapshot })))[^1].Job;
        Assert.Equal(JobState.Completed, final.State);
        Assert.DoesNotContain((await agent.Client.ListSnapshotsAsync(new ListSnapshotsRequest())).Snapshots, s => s.Id == snapshot);
    }

    [Fact]
    public async Task SameRequestId_Twice_SameJobAndOneCheckpoint()
    {
        await using var agent = await TestAgent.StartAsync();
        var group = await agent.FirstCollectionAsync();
        var request = new CreateSnapshotRequest { CollectionId = group.Id, SnapshotType = SnapshotType.Recovery, RequestId = "op-1/host-a/group-1" };
        var first = (await TestAgent.CollectAsync(agent.Client.CreateSnapshot(request)))[^1].Job;
        var second = (await TestAgent.CollectAsync(agent.Client.CreateSnapshot(request)))[^1].Job;

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.Result.SnapshotIds, second.Result.SnapshotIds);
        Assert.Single((await agent.Client.ListSnapshotsAsync(new ListSnapshotsRequest { CollectionId = group.Id })).Snapshots);
    }

    [Fact]
    public async Task SameRequestId_DifferentRequest_InvalidArgumentNamingRequestId()
    {
        await using var agent = await TestAgent.StartAsync();
        var groups = (await agent.Client.ListCollectionsAsync(new ListCollectionsRequest())).Collections;
        await TestAgent.CollectAsync(agent.Client.CreateSnapshot(new CreateSnapshotRequest { CollectionId = groups[0].Id, SnapshotType = SnapshotType.Recovery, RequestId = "r1" }));
        var ex = await Assert.ThrowsAsync<RpcException>(() => TestAgent.CollectAsync(agent.Client.CreateSnapshot(new CreateSnapshotRequest { CollectionId = groups[1].Id, SnapshotType = SnapshotType.Recovery, RequestId = "r1" })));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.StartsWith("request_id", ex.Status.Detail, StringComparison.Ordinal);
    }
}
