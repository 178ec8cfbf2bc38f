using HvFleet.Protos.Agent.V1;
using Grpc.Core;

namespace HvFleet.Agent.FunctionalTests;

public class AgentValidationTests : IAsyncLifetime
{
    private TestAgent _agent = null!;

    public async Task InitializeAsync() => _agent = await TestAgent.StartAsync();

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    private async Task<RpcException> Fails(Func<Task> call)
    {
        return await Assert.ThrowsAsync<RpcException>(call);
    }

    private Task<List<JobEvent>> Create(CreateSnapshotRequest request) => TestAgent.CollectAsync(_agent.Client.CreateSnapshot(request));

    private Task<List<JobEvent>> Export(ExportSnapshotRequest request) => TestAgent.CollectAsync(_agent.Client.ExportSnapshot(request));

    [Fact]
    public async Task CreateSnapshot_NoTarget_InvalidArgumentNamingTarget()
    {
        var ex = await Fails(() => Create(new CreateSnapshotRequest { SnapshotType = SnapshotType.Recovery }));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("target", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateSnapshot_NameOver100Characters_InvalidArgumentNamingName()
    {
        var group = await _agent.FirstCollectionAsync();
        var ex = await Fails(() => Create(new CreateSnapshotRequest { CollectionId = group.Id, SnapshotType = SnapshotType.Recovery, Name = new string('n', 101) }));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("name", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateSnapshot_UnspecifiedType_InvalidArgumentNamingSnapshotType()
    {
        var group = await _agent.FirstCollectionAsync();
        var ex = await Fails(() => Create(new CreateSnapshotRequest { CollectionId = group.Id }));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("snapshot_type", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateSnapshot_UnknownGroup_NotFound()
    {
        var ex = await Fails(() => Create(new CreateSnapshotRequest { CollectionId = Guid.NewGuid().ToString(), SnapshotType = SnapshotType.Recovery }));
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Contains("collection_id", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateSnapshot_UnknownVm_NotFoundNamingTheIndex()
    {
        var request = new CreateSnapshotRequest { SnapshotType = SnapshotType.Recovery, Vms = new VmIdList() };
        request.Vms.VmIds.Add(Guid.NewGuid().ToString());
        var ex = await Fails(() => Create(request));
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Contains("vms.vm_ids[0]", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportSnapshot_RelativeDirectory_PermissionDeniedNamingTheField()
    {
        // Export paths are confined to the roots (security issue): anything else is PERMISSION_DENIED.
        var ex = await Fails(() => Export(new ExportSnapshotRequest { SnapshotId = Guid.NewGuid().ToString(), ExportDirectory = "relative/dir" }));
        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.Contains("export_directory", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportSnapshot_OutsideExportRoots_InvalidArgument()
    {
        var ex = await Fails(() => Export(new ExportSnapshotRequest { SnapshotId = Guid.NewGuid().ToString(), ExportDirectory = Path.Combine(_agent.ExportRoot, "..", "escape") }));
        Assert.Contains("export_directory", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportSnapshot_DifferentialBaseWithoutIntent_InvalidArgument()
    {
        var ex = await Fails(() => Export(new ExportSnapshotRequest
        {
            SnapshotId = Guid.NewGuid().ToString(),
            ExportDirectory = Path.Combine(_agent.ExportRoot, "x"),
            Settings = new ExportSettings { DifferentialBackupBase = Guid.NewGuid().ToString() },
        }));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("settings.differential_backup_base", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportSnapshot_UnknownSnapshot_NotFound()
    {
        var ex = await Fails(() => Export(new ExportSnapshotRequest { SnapshotId = Guid.NewGuid().ToString(), ExportDirectory = Path.Combine(_agent.ExportRoot, "y") }));
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task ExportSnapshot_NonEmptyTargetWithoutOverwrite_JobFailsWithHyperVCode()
    {
        var group = await _agent.FirstCollectionAsync();
        var snapshot = (await Create(new CreateSnapshotRequest { CollectionId = group.Id, SnapshotType = SnapshotType.Recovery }))[^1].Job.Result.SnapshotIds[0];
        var target = Path.Combine(_agent.ExportRoot, "occupied");
        Directory.CreateDirectory(target);
        await File.WriteAllTextAsync(Path.Combine(target, "keep.txt"), "precious");

        var final = (await Export(new ExportSnapshotRequest { SnapshotId = snapshot, ExportDirectory = target }))[^1].Job;
        Assert.Equal(JobState.Failed, final.State);
        Assert.NotEqual(0u, final.Error.HypervCode);
        Assert.Equal("precious", await File.ReadAllTextAsync(Path.Combine(target, "keep.txt")));
    }

    [Fact]
    public async Task DeleteSnapshot_Unknown_NotFound()
    {
        var ex = await Fails(() => TestAgent.CollectAsync(_agent.Client.DeleteSnapshot(new DeleteSnapshotRequest { SnapshotId = Guid.NewGuid().ToString() })));
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task JobCalls_UnknownOrMissingId_NotFoundOrInvalidArgument()
    {
        Assert.Equal(StatusCode.NotFound, (await Fails(async () => await _agent.Client.GetJobAsync(new GetJobRequest { JobId = "nope" }))).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Fails(async () => await _agent.Client.CancelJobAsync(new CancelJobRequest { JobId = "nope" }))).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Fails(() => TestAgent.CollectAsync(_agent.Client.WatchJob(new WatchJobRequest { JobId = "nope" })))).StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, (await Fails(async () => await _agent.Client.GetJobAsync(new GetJobRequest()))).StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, (await Fails(async () => await _agent.Client.ListJobsAsync(new ListJobsRequest { PageSize = 5000 }))).StatusCode);
        var badRequestId = await Fails(async () => await _agent.Client.ListJobsAsync(new ListJobsRequest { RequestId = new string('r', 300) }));
        Assert.Equal(StatusCode.InvalidArgument, badRequestId.StatusCode);
        Assert.Contains("request_id", badRequestId.Status.Detail, StringComparison.Ordinal);
    }
}
