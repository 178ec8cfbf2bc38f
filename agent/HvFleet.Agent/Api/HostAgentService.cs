using Google.Protobuf.WellKnownTypes;
using HvFleet.Agent.Hosting;
using HvFleet.Agent.Jobs;
using HvFleet.Agent.Jobs.Requests;
using HvFleet.Hypervisors;
using HvFleet.Protos.Agent.V1;
using Grpc.Core;
using HvFleet.Security.Audit;
using Microsoft.Extensions.Options;
using JobKind = HvFleet.Agent.Jobs.JobKind;
using JobState = HvFleet.Agent.Jobs.JobState;
using ProtoJobState = HvFleet.Protos.Agent.V1.JobState;

namespace HvFleet.Agent.Api;

/// <summary>
/// hvfleet.agent.v1.HostAgent, the RPC edge: maps messages to the domain and back, fills the audit
/// from the mapped request, hands mutating calls to their request handlers (<c>Jobs/Requests</c>),
/// turns what they return into gRPC statuses and streams the job's whole state until it is
/// terminal; a failed job is data, the stream still ends OK.
/// </summary>
internal sealed partial class HostAgentService(
    IHypervisor hypervisor,
    JobManager jobs,
    CreateSnapshotHandler createSnapshot,
    ExportSnapshotHandler exportSnapshot,
    DeleteSnapshotHandler deleteSnapshot,
    CancelJobHandler cancelJob,
    IOptions<AgentOptions> agentOptions,
    IOptions<JobOptions> jobOptions,
    AgentRuntimeInfo runtime,
    ILogger<HostAgentService> logger) : HostAgent.HostAgentBase
{
    private const int DefaultPageSize = JobManager.DefaultListLimit;
    private const int MaxPageSize = JobManager.MaxListLimit;

    public override async Task<GetHostInfoResponse> GetHostInfo(GetHostInfoRequest request, ServerCallContext context)
    {
        var info = await Call(() => hypervisor.GetInfoAsync(context.CancellationToken));
        var options = jobOptions.Value;
        var response = new GetHostInfoResponse
        {
            HostName = Environment.MachineName,
            Backend = info.Kind == HypervisorKind.HyperV ? Backend.Hyperv : Backend.Lab,
            AgentVersion = AgentRuntimeInfo.Version,
            OsDescription = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            StartedAt = Timestamp.FromDateTimeOffset(runtime.StartedAt),
            HypervisorVersion = info.Version,
            Limits = new HostLimits
            {
                MaxConcurrentSnapshots = options.MaxConcurrentSnapshots,
                MaxConcurrentExports = options.MaxConcurrentExports,
                MaxQueuedJobs = options.MaxQueuedJobs,
                MaxNameLength = JobRequestValidator.MaxNameLength,
                MaxReceiveMessageBytes = 4 * 1024 * 1024,
            },
        };
        response.Capabilities.AddRange(info.Capabilities);
        response.Limits.ExportRoots.AddRange(agentOptions.Value.ExportRoots);
        if (runtime.Certificate is { } certificate)
        {
            response.Certificate = certificate;
        }

        return response;
    }

    public override async Task<ListVirtualMachinesResponse> ListVirtualMachines(ListVirtualMachinesRequest request, ServerCallContext context)
    {
        var vms = await Call(() => hypervisor.ListVirtualMachinesAsync(context.CancellationToken));
        var response = new ListVirtualMachinesResponse();
        response.VirtualMachines.AddRange(vms.Select(AgentProtoMapper.ToProto));
        return response;
    }

    public override async Task<ListCollectionsResponse> ListCollections(ListCollectionsRequest request, ServerCallContext context)
    {
        var collections = await Call(() => hypervisor.ListCollectionsAsync(context.CancellationToken));
        var response = new ListCollectionsResponse();
        response.Collections.AddRange(collections.Select(AgentProtoMapper.ToProto));
        return response;
    }

    public override async Task<ListSnapshotsResponse> ListSnapshots(ListSnapshotsRequest request, ServerCallContext context)
    {
        var filter = new SnapshotFilter(NullIfEmpty(request.CollectionId), NullIfEmpty(request.VmId));
        var snapshots = await Call(() => hypervisor.ListSnapshotsAsync(filter, context.CancellationToken));
        var response = new ListSnapshotsResponse();
        response.Snapshots.AddRange(snapshots.Select(AgentProtoMapper.ToProto));
        return response;
    }

    public override async Task CreateSnapshot(CreateSnapshotRequest request, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context)
    {
        var requestId = NullIfEmpty(request.RequestId);
        var audit = AuditContext.For(context).AddTargets(request.CollectionId);
        audit.RequestId = requestId;
        if (request.Vms is { } vms)
        {
            audit.AddTargets(vms.VmIds);
        }

        if (request.TargetCase == CreateSnapshotRequest.TargetOneofCase.None)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "target: set collection_id or vms"));
        }

        var domain = AgentProtoMapper.FromProto(request);
        await RunJobAsync(JobKind.CreateSnapshot, () => createSnapshot.HandleAsync(domain, requestId, context.CancellationToken), responseStream, context);
    }

    public override async Task ExportSnapshot(ExportSnapshotRequest request, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context)
    {
        var requestId = NullIfEmpty(request.RequestId);
        AuditContext.For(context).AddTargets(request.SnapshotId).RequestId = requestId;
        var domain = AgentProtoMapper.FromProto(request);
        await RunJobAsync(JobKind.ExportSnapshot, () => exportSnapshot.HandleAsync(domain, requestId, context.CancellationToken), responseStream, context);
    }

    public override async Task DeleteSnapshot(DeleteSnapshotRequest request, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context)
    {
        var requestId = NullIfEmpty(request.RequestId);
        AuditContext.For(context).AddTargets(request.SnapshotId).RequestId = requestId;
        await RunJobAsync(JobKind.DeleteSnapshot, () => deleteSnapshot.HandleAsync(request.SnapshotId, requestId, context.CancellationToken), responseStream, context);
    }

    public override async Task WatchJob(WatchJobRequest request, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context)
    {
        RequireId("job_id", request.JobId);
        if (await jobs.GetAsync(request.JobId, context.CancellationToken) is null)
        {
            throw UnknownJob(request.JobId);
        }

        await StreamAsync(request.JobId, responseStream, context);
    }

    public override async Task<GetJobResponse> GetJob(GetJobRequest request, ServerCallContext context)
    {
        RequireId("job_id", request.JobId);
        var job = await jobs.GetAsync(request.JobId, context.CancellationToken)
            ?? throw UnknownJob(request.JobId);
        return new GetJobResponse { Job = AgentProtoMapper.ToProto(job) };
    }

    public override async Task<ListJobsResponse> ListJobs(ListJobsRequest request, ServerCallContext context)
    {
        if (request.PageSize is < 0 or > MaxPageSize)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"page_size: must be between 0 and {MaxPageSize} (0 = default {DefaultPageSize})"));
        }

        JobState? state = null;
        if (request.State != ProtoJobState.Unspecified)
        {
            state = AgentProtoMapper.FromProto(request.State)
                ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"state: unknown value {(int)request.State}"));
        }

        var response = new ListJobsResponse();
        if (request.RequestId.Length > 0)
        {
            // At most one job holds a request id; the state filter still applies to it.
            var errors = new List<FieldError>();
            JobRequestValidator.ValidateRequestId(request.RequestId, errors);
            ThrowIfInvalid(errors);
            var job = await jobs.FindByRequestIdAsync(request.RequestId, context.CancellationToken);
            if (job is not null && (state is null || job.State == state))
            {
                response.Jobs.Add(AgentProtoMapper.ToProto(job));
            }

            return response;
        }

        var list = await jobs.ListAsync(state, request.PageSize == 0 ? DefaultPageSize : request.PageSize, context.CancellationToken);
        response.Jobs.AddRange(list.Select(AgentProtoMapper.ToProto));
        return response;
    }

    public override async Task<CancelJobResponse> CancelJob(CancelJobRequest request, ServerCallContext context)
    {
        RequireId("job_id", request.JobId);
        AuditContext.For(context).AddTargets(request.JobId).JobId = request.JobId;
        var cancel = await cancelJob.HandleAsync(request.JobId, context.CancellationToken);
        if (cancel.StoreProblem is { } storeProblem)
        {
            throw JobStoreStatus.ToRpcException(storeProblem);
        }

        var job = cancel.Job
            ?? throw UnknownJob(request.JobId);
        LogCancelRequested(logger, request.JobId, context.Peer);
        return new CancelJobResponse { Job = AgentProtoMapper.ToProto(job) };
    }

    private async Task RunJobAsync(JobKind kind, Func<Task<JobStartResult>> handle, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context)
    {
        var start = await Call(handle);
        if (start.Outcome is not (JobStartOutcome.Created or JobStartOutcome.Existing))
        {
            throw JobStartStatus.ToRpcException(start);
        }

        AuditContext.For(context).JobId = start.Job!.Id;
        LogJobStarted(logger, start.Job.Id, kind, start.Outcome == JobStartOutcome.Existing, context.Peer);
        await StreamAsync(start.Job.Id, responseStream, context);
    }

    private async Task StreamAsync(string jobId, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context)
    {
        // The whole state each time, until the terminal one; the job outlives a departed client.
        await foreach (var job in jobs.WatchAsync(jobId, context.CancellationToken))
        {
            await responseStream.WriteAsync(AgentProtoMapper.ToEvent(job), context.CancellationToken);
        }
    }

    private static async Task<T> Call<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (HypervisorException ex)
        {
            throw HypervisorStatus.ToRpcException(ex);
        }
    }

    private static void ThrowIfInvalid(List<FieldError> errors)
    {
        if (errors.Count > 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, string.Join("; ", errors)));
        }
    }

    private static void RequireId(string field, string value)
    {
        var errors = new List<FieldError>();
        JobRequestValidator.ValidateId(field, value, errors);
        ThrowIfInvalid(errors);
    }

    private static RpcException UnknownJob(string jobId) =>
        new(new Status(StatusCode.NotFound, $"job_id: job '{jobId}' is unknown to this agent"));

    private static string? NullIfEmpty(string value) => string.IsNullOrEmpty(value) ? null : value;

    [LoggerMessage(EventId = 100, EventName = "JobStreamStarted", Level = LogLevel.Information, Message = "Job {JobId} ({Kind}) started for {Peer}; replay: {Replay}.")]
    private static partial void LogJobStarted(ILogger logger, string jobId, JobKind kind, bool replay, string peer);

    [LoggerMessage(EventId = 101, EventName = "CancelRequested", Level = LogLevel.Information, Message = "Cancel of job {JobId} requested by {Peer}.")]
    private static partial void LogCancelRequested(ILogger logger, string jobId, string peer);
}
