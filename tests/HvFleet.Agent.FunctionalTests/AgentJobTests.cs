using HvFleet.Security.Clients;
using Grpc.Health.V1;
using HvFleet.Protos.Agent.V1;
using Grpc.Core;

namespace HvFleet.Agent.FunctionalTests;

public class AgentJobTests
{
    private static readonly Dictionary<string, string?> Slow = new() { ["Lab:Faults:Delay"] = "00:00:30" };

    private static async Task<Job> FirstEventAsync(AsyncServerStreamingCall<JobEvent> call)
    {
        Assert.True(await call.ResponseStream.MoveNext(default));
        return call.ResponseStream.Current.Job;
    }

    [Fact]
    public async Task WatchJob_FromSecondClient_SeesCurrentStateThenTerminal()
    {
        await using var agent = await TestAgent.StartAsync(settings: Slow);
        var group = await agent.FirstCollectionAsync();
        using var call = agent.Client.CreateSnapshot(new CreateSnapshotRequest { CollectionId = group.Id, SnapshotType = SnapshotType.Recovery });
        var job = await FirstEventAsync(call);

        using var channel = FleetChannels.Create(agent.Address);
        var second = new HostAgent.HostAgentClient(channel);
        using var watch = second.WatchJob(new WatchJobRequest { JobId = job.Id });
        var current = await FirstEventAsync(watch);
        Assert.Equal(job.Id, current.Id);
        Assert.False(current.State is JobState.Completed or JobState.Failed or JobState.Cancelled);

        await second.CancelJobAsync(new CancelJobRequest { JobId = job.Id });
        Job? last = null;
        await foreach (var e in watch.ResponseStream.ReadAllAsync())
        {
            last = e.Job;
        }

        Assert.Equal(JobState.Cancelled, last!.State);
    }

    [Fact]
    public async Task Disconnect_ThenWatchJob_ReattachesAndJobKeepsRunning()
    {
        await using var agent = await TestAgent.StartAsync(settings: new Dictionary<string, string?> { ["Lab:Faults:Delay"] = "00:00:01" });
        var group = await agent.FirstCollectionAsync();
        var call = agent.Client.CreateSnapshot(new CreateSnapshotRequest { CollectionId = group.Id, SnapshotType = SnapshotType.Recovery });
        var job = await FirstEventAsync(call);
        call.Dispose();

        var events = await TestAgent.CollectAsync(agent.Client.WatchJob(new WatchJobRequest { JobId = job.Id }));
        Assert.Equal(JobState.Completed, events[^1].Job.State);
        Assert.Single(events[^1].Job.Result.SnapshotIds);
    }

    [Fact]
    public async Task CancelJob_RunningExport_CancelledAndNothingLeftBehind()
    {
        var settings = new Dictionary<string, string?> { ["Lab:OperationFaults:ExportSnapshot:Delay"] = "00:00:30" };
        await using var agent = await TestAgent.StartAsync(settings: settings);
        var group = await agent.FirstCollectionAsync();
        var snapshot = (await TestAgent.CollectAsync(agent.Client.CreateSnapshot(new CreateSnapshotRequest { CollectionId = group.Id, SnapshotType = SnapshotType.Recovery })))[^1].Job.Result.SnapshotIds[0];
        var target = Path.Combine(agent.ExportRoot, "cancelled");
        using var call = agent.Client.ExportSnapshot(new ExportSnapshotRequest { SnapshotId = snapshot, ExportDirectory = target, Settings = new ExportSettings { CopyVmStorage = true } });
        var job = await FirstEventAsync(call);

        var cancel = await agent.Client.CancelJobAsync(new CancelJobRequest { JobId = job.Id });
        Assert.Equal(job.Id, cancel.Job.Id);
        Job? last = null;
        await foreach (var e in call.ResponseStream.ReadAllAsync())
        {
            last = e.Job;
        }

        Assert.Equal(JobState.Cancelled, last!.State);
        Assert.False(Directory.Exists(target));
        Assert.Empty(Directory.GetFileSystemEntries(agent.ExportRoot));
    }

    [Fact]
    public async Task AgentRestart_MidJob_JobReportedFailedAndReplayReturnsIt()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("hvfleet-agent-restart-").FullName;
        var settings = new Dictionary<string, string?> { ["Lab:Faults:Delay"] = "00:00:30", ["Jobs:DrainGracePeriod"] = "00:00:00.100" };
        string jobId;
        var request = new CreateSnapshotRequest { SnapshotType = SnapshotType.Recovery, RequestId = "restart-1" };
        var agent = await TestAgent.StartAsync(dataDirectory, settings);
        try
        {
            request.CollectionId = (await agent.FirstCollectionAsync()).Id;
            var call = agent.Client.CreateSnapshot(request);
            jobId = (await FirstEventAsync(call)).Id;
            call.Dispose();
        }
        finally
        {
            await agent.StopAsync();
        }

        await using var restarted = await TestAgent.StartAsync(dataDirectory);
        var job = (await restarted.Client.GetJobAsync(new GetJobRequest { JobId = jobId })).Job;
        Assert.Equal(JobState.Failed, job.State);
        Assert.False(string.IsNullOrEmpty(job.Error.Description));

        var replay = (await TestAgent.CollectAsync(restarted.Client.CreateSnapshot(request)))[^1].Job;
        Assert.Equal(jobId, replay.Id);
        Assert.Empty((await restarted.Client.ListSnapshotsAsync(new ListSnapshotsRequest())).Snapshots);
    }

    [Fact]
    public async Task ListJobs_ByRequestId_FindsTheRunningJobWithoutItsIdAndCancelsIt()
    {
        await using var agent = await TestAgent.StartAsync(settings: Slow);
        var groups = (await agent.Client.ListCollectionsAsync(new ListCollectionsRequest())).Collections;
        using var other = agent.Client.CreateSnapshot(new CreateSnapshotRequest { CollectionId = groups[1].Id, SnapshotType = SnapshotType.Recovery, RequestId = "other-1" });
        var otherJob = await FirstEventAsync(other);
        using var call = agent.Client.CreateSnapshot(new CreateSnapshotRequest { CollectionId = groups[0].Id, SnapshotType = SnapshotType.Recovery, RequestId = "lost-1" });
        var created = await FirstEventAsync(call);

        // A caller that never saw the first event knows only its request id.
        var found = Assert.Single((await agent.Client.ListJobsAsync(new ListJobsRequest { RequestId = "lost-1" })).Jobs);
        Assert.Equal(created.Id, found.Id);
        Assert.Equal("lost-1", found.RequestId);
        Assert.True(found.State is JobState.Pending or JobState.Running, found.State.ToString());
        Assert.Empty((await agent.Client.ListJobsAsync(new ListJobsRequest { RequestId = "lost-1", State = JobState.Completed })).Jobs);
        Assert.Empty((await agent.Client.ListJobsAsync(new ListJobsRequest { RequestId = "never-used" })).Jobs);

        await agent.Client.CancelJobAsync(new CancelJobRequest { JobId = found.Id });
        Job? last = null;
        await foreach (var e in call.ResponseStream.ReadAllAsync())
        {
            last = e.Job;
        }

        Assert.Equal(JobState.Cancelled, last!.State);
        Assert.Equal(JobState.Cancelled, Assert.Single((await agent.Client.ListJobsAsync(new ListJobsRequest { RequestId = "lost-1" })).Jobs).State);
        Assert.True((await agent.Client.GetJobAsync(new GetJobRequest { JobId = otherJob.Id })).Job.State is JobState.Pending or JobState.Running);
        await agent.Client.CancelJobAsync(new CancelJobRequest { JobId = otherJob.Id });
    }

    [Fact]
    public async Task QueueFull_ResourceExhausted()
    {
        var settings = new Dictionary<string, string?>(Slow) { ["Jobs:MaxConcurrentSnapshots"] = "1", ["Jobs:MaxQueuedJobs"] = "1" };
        await using var agent = await TestAgent.StartAsync(settings: settings);
        var groups = (await agent.Client.ListCollectionsAsync(new ListCollectionsRequest())).Collections;
        using var running = agent.Client.CreateSnapshot(new CreateSnapshotRequest { CollectionId = groups[0].Id, SnapshotType = SnapshotType.Recovery });
        await FirstEventAsync(running);
        using var queued = agent.Client.CreateSnapshot(new CreateSnapshotRequest { CollectionId = groups[1].Id, SnapshotType = SnapshotType.Recovery });
        Assert.Equal(JobState.Pending, (await FirstEventAsync(queued)).State);

        var ex = await Assert.ThrowsAsync<RpcException>(() => TestAgent.CollectAsync(agent.Client.CreateSnapshot(new CreateSnapshotRequest { CollectionId = groups[2].Id, SnapshotType = SnapshotType.Recovery })));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task Health_ServingAfterStart()
    {
        await using var agent = await TestAgent.StartAsync();
        var health = new Health.HealthClient(agent.Channel);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest { Service = HostAgent.Descriptor.FullName })).Status);
    }

    [Fact]
    public async Task GetHostInfo_ReportsLabBackendLimitsAndRoots()
    {
        await using var agent = await TestAgent.StartAsync();
        var info = await agent.Client.GetHostInfoAsync(new GetHostInfoRequest());
        Assert.Equal(Backend.Lab, info.Backend);
        Assert.Equal(2, info.Limits.MaxConcurrentSnapshots);
        Assert.Equal(2, info.Limits.MaxConcurrentExports);
        Assert.Equal(agent.ExportRoot, Assert.Single(info.Limits.ExportRoots));
        Assert.Contains("snapshot.recovery", info.Capabilities);
        Assert.False(string.IsNullOrEmpty(info.AgentVersion));
    }
}
