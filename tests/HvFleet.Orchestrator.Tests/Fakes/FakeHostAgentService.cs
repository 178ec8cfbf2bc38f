using Google.Protobuf.WellKnownTypes;
using HvFleet.Orchestrator.Agents;
using HvFleet.Protos.Agent.V1;
using Grpc.Core;
using HvFleet.Orchestrator.Operations;

namespace HvFleet.Orchestrator.Tests.Fakes;

/// <summary>Serves a <see cref="FakeAgent"/> as <c>hvfleet.agent.v1.HostAgent</c> over real gRPC, so that the gRPC
/// client and the engine can be tested end to end on loopback.</summary>
internal sealed class FakeHostAgentService(FakeAgent agent) : HostAgent.HostAgentBase
{
    public override async Task<GetHostInfoResponse> GetHostInfo(GetHostInfoRequest request, ServerCallContext context)
    {
        var info = await Call(() => agent.GetHostInfoAsync(context.CancellationToken));
        return new GetHostInfoResponse { HostName = info.HostName, Backend = Backend.Lab, AgentVersion = info.AgentVersion };
    }

    public override async Task<ListCollectionsResponse> ListCollections(ListCollectionsRequest request, ServerCallContext context)
    {
        var collections = await Call(() => agent.ListCollectionsAsync(context.CancellationToken));
        var response = new ListCollectionsResponse();
        response.Collections.AddRange(collections.Select(c => new Collection { Id = c.Id, Name = c.Name, MemberVmIds = { c.MemberVmIds } }));
        return response;
    }

    public override async Task<ListVirtualMachinesResponse> ListVirtualMachines(ListVirtualMachinesRequest request, ServerCallContext context)
    {
        var vms = await Call(() => agent.ListVirtualMachinesAsync(context.CancellationToken));
        var response = new ListVirtualMachinesResponse();
        response.VirtualMachines.AddRange(vms.Select(v => new VirtualMachine { Id = v.Id, Name = v.Name }));
        return response;
    }

    public override Task CreateSnapshot(CreateSnapshotRequest request, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context) =>
        Stream(() => agent.CreateSnapshotAsync(new CreateSnapshotCommand
        {
            CollectionId = request.CollectionId,
            VmIds = request.Vms?.VmIds.ToList() ?? [],
            Kind = request.SnapshotType == SnapshotType.Standard ? FleetSnapshotKind.Standard : FleetSnapshotKind.Recovery,
            Name = request.Name,
            RequestId = request.RequestId,
        }, context.CancellationToken), responseStream, context);

    public override Task ExportSnapshot(ExportSnapshotRequest request, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context) =>
        Stream(() => agent.ExportSnapshotAsync(new ExportSnapshotCommand
        {
            SnapshotId = request.SnapshotId,
            ExportDirectory = request.ExportDirectory,
            RequestId = request.RequestId,
        }, context.CancellationToken), responseStream, context);

    public override Task DeleteSnapshot(DeleteSnapshotRequest request, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context) =>
        Stream(() => agent.DeleteSnapshotAsync(new DeleteSnapshotCommand(request.SnapshotId, request.RequestId), context.CancellationToken),
            responseStream, context);

    public override Task WatchJob(WatchJobRequest request, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context) =>
        Stream(() => agent.WatchJobAsync(request.JobId, context.CancellationToken), responseStream, context);

    public override async Task<GetJobResponse> GetJob(GetJobRequest request, ServerCallContext context)
    {
        var job = await Call(() => agent.GetJobAsync(request.JobId, context.CancellationToken));
        return job is null ? throw new RpcException(new Status(StatusCode.NotFound, $"no job {request.JobId}")) : new GetJobResponse { Job = ToProto(job) };
    }

    public override async Task<ListJobsResponse> ListJobs(ListJobsRequest request, ServerCallContext context)
    {
        // Only the request-id lookup is served: that is all the orchestrator asks of ListJobs.
        if (request.RequestId.Length == 0)
        {
            throw new RpcException(new Status(StatusCode.Unimplemented, "the fake agent lists jobs by request_id only"));
        }

        var job = await Call(() => agent.FindJobByRequestIdAsync(request.RequestId, context.CancellationToken));
        var response = new ListJobsResponse();
        if (job is not null)
        {
            response.Jobs.Add(ToProto(job));
        }

        return response;
    }

    public override async Task<CancelJobResponse> CancelJob(CancelJobRequest request, ServerCallContext context)
    {
        var job = await Call(() => agent.CancelJobAsync(request.JobId, context.CancellationToken));
        return job is null ? throw new RpcException(new Status(StatusCode.NotFound, $"no job {request.JobId}")) : new CancelJobResponse { Job = ToProto(job) };
    }

    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (AgentCallException ex)
        {
            throw ToRpc(ex);
        }
    }

    private static async Task Stream(Func<IAsyncEnumerable<RemoteJob>> open, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context)
    {
        long sequence = 0;
        try
        {
            await foreach (var job in open().WithCancellation(context.CancellationToken))
            {
                await responseStream.WriteAsync(new JobEvent { Job = ToProto(job), Sequence = ++sequence });
            }
        }
        catch (AgentCallException ex)
        {
            throw ToRpc(ex);
        }
    }

    /// <summary>The status, and the retry pushback trailer when the refusal says when to retry (as the real agent's limits do).</summary>
    private static RpcException ToRpc(AgentCallException ex) => ex.RetryAfter is { } retryAfter
        ? new RpcException(new Status((StatusCode)(int)ex.Status, ex.Detail), HvFleet.Security.Limits.RetryPushback.ToTrailers(retryAfter))
        : new RpcException(new Status((StatusCode)(int)ex.Status, ex.Detail));

    private static Job ToProto(RemoteJob job)
    {
        var proto = new Job
        {
            Id = job.Id,
            State = job.State switch
            {
                AgentJobState.Running => JobState.Running,
                AgentJobState.Completed => JobState.Completed,
                AgentJobState.Failed => JobState.Failed,
                AgentJobState.Cancelled => JobState.Cancelled,
                _ => JobState.Pending,
            },
            Percent = job.Percent,
            BytesDone = job.BytesDone,
            BytesTotal = job.BytesTotal,
            StatusText = job.StatusText,
            RequestId = job.RequestId,
            CreatedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch),
            Result = new JobResult { SnapshotIds = { job.SnapshotIds }, ExportPath = job.ExportPath },
        };
        if (job.Error is { } error)
        {
            proto.Error = new JobError { HypervCode = error.HyperVCode, Summary = error.Summary, Description = error.Description, CodeFamily = "job" };
        }

        return proto;
    }
}
