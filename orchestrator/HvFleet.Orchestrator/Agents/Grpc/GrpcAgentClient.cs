using System.Runtime.CompilerServices;
using HvFleet.Protos.Agent.V1;
using Grpc.Core;
using Grpc.Net.Client;
using HvFleet.Security.Clients;
using HvFleet.Security.Limits;
using Grpc.Health.V1;

namespace HvFleet.Orchestrator.Agents.Grpc;

/// <summary><see cref="IAgentClient"/> over the agent's gRPC API. RPC statuses become <see cref="AgentCallException"/>
/// with the same code (and, for RESOURCE_EXHAUSTED, the delay of the <see cref="RetryPushback"/> trailer); a cancelled
/// or timed-out caller sees <see cref="OperationCanceledException"/>.</summary>
internal sealed class GrpcAgentClient : IAgentClient
{
    private readonly HostAgent.HostAgentClient _agent;
    private readonly Health.HealthClient _health;
    private readonly AgentConnectionOptions _options;

    public GrpcAgentClient(GrpcChannel channel, Uri address, string tlsIdentity, AgentConnectionOptions options)
    {
        Channel = channel;
        Address = address;
        TlsIdentity = tlsIdentity;
        _options = options;
        var invoker = channel.CreateCallInvoker();
        _agent = new HostAgent.HostAgentClient(invoker);
        _health = new Health.HealthClient(invoker);
    }

    public GrpcChannel Channel { get; }

    public Uri Address { get; }

    public string TlsIdentity { get; }

    public async Task<AgentHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var response = await UnaryAsync(o => _health.CheckAsync(new HealthCheckRequest(), o), cancellationToken);
        return response.Status == HealthCheckResponse.Types.ServingStatus.Serving ? AgentHealth.Serving : AgentHealth.NotServing;
    }

    public async Task<AgentHostInfo> GetHostInfoAsync(CancellationToken cancellationToken)
    {
        var info = await UnaryAsync(o => _agent.GetHostInfoAsync(new GetHostInfoRequest(), o), cancellationToken);
        string backend = info.Backend switch
        {
            Backend.Lab => "lab",
            Backend.Hyperv => "hyperv",
            _ => "unknown",
        };
        var certificate = info.Certificate is { } c
            ? new AgentCertificate(c.Subject, c.NotBefore?.ToDateTimeOffset() ?? DateTimeOffset.MinValue,
                c.NotAfter?.ToDateTimeOffset() ?? DateTimeOffset.MinValue, c.ExpiresSoon, c.Thumbprint)
            : null;
        return new AgentHostInfo(info.HostName, backend, info.AgentVersion, certificate);
    }

    public async Task<IReadOnlyList<AgentCollection>> ListCollectionsAsync(CancellationToken cancellationToken)
    {
        var response = await UnaryAsync(o => _agent.ListCollectionsAsync(new ListCollectionsRequest(), o), cancellationToken);
        return response.Collections.Select(c => new AgentCollection(c.Id, c.Name, c.MemberVmIds.ToList())).ToList();
    }

    public async Task<IReadOnlyList<AgentVirtualMachine>> ListVirtualMachinesAsync(CancellationToken cancellationToken)
    {
        var response = await UnaryAsync(o => _agent.ListVirtualMachinesAsync(new ListVirtualMachinesRequest(), o), cancellationToken);
        return response.VirtualMachines.Select(v => new AgentVirtualMachine(v.Id, v.Name)).ToList();
    }

    public IAsyncEnumerable<RemoteJob> CreateSnapshotAsync(CreateSnapshotCommand command, CancellationToken cancellationToken)
    {
        var request = new CreateSnapshotRequest
        {
            SnapshotType = command.Kind == Operations.FleetSnapshotKind.Standard ? SnapshotType.Standard : SnapshotType.Recovery,
            Name = command.Name,
            RequestId = command.RequestId,
        };
        if (command.CollectionId.Length > 0)
        {
            request.CollectionId = command.CollectionId;
        }
        else
        {
            request.Vms = new VmIdList { VmIds = { command.VmIds } };
        }

        return StreamAsync(o => _agent.CreateSnapshot(request, o), cancellationToken);
    }

    public IAsyncEnumerable<RemoteJob> ExportSnapshotAsync(ExportSnapshotCommand command, CancellationToken cancellationToken)
    {
        var options = command.Options;
        var request = new ExportSnapshotRequest
        {
            SnapshotId = command.SnapshotId,
            ExportDirectory = command.ExportDirectory,
            Overwrite = options.Overwrite,
            RequestId = command.RequestId,
            Settings = new ExportSettings
            {
                CopyVmStorage = options.CopyVmStorage,
                CreateVmExportSubdirectory = options.CreateVmExportSubdirectory,
                CopyVmRuntimeInformation = options.CopyVmRuntimeInformation,
                BackupIntent = (BackupIntent)options.BackupIntent,
                DifferentialBackupBase = options.DifferentialBackupBase,
                CaptureLiveState = (CaptureLiveState)options.CaptureLiveState,
            },
        };
        return StreamAsync(o => _agent.ExportSnapshot(request, o), cancellationToken);
    }

    public IAsyncEnumerable<RemoteJob> DeleteSnapshotAsync(DeleteSnapshotCommand command, CancellationToken cancellationToken) =>
        StreamAsync(o => _agent.DeleteSnapshot(new DeleteSnapshotRequest { SnapshotId = command.SnapshotId, RequestId = command.RequestId }, o), cancellationToken);

    public IAsyncEnumerable<RemoteJob> WatchJobAsync(string jobId, CancellationToken cancellationToken) =>
        StreamAsync(o => _agent.WatchJob(new WatchJobRequest { JobId = jobId }, o), cancellationToken);

    public async Task<RemoteJob?> GetJobAsync(string jobId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await UnaryAsync(o => _agent.GetJobAsync(new GetJobRequest { JobId = jobId }, o), cancellationToken);
            return response.Job is null ? null : AgentJobMapping.ToDomain(response.Job);
        }
        catch (AgentCallException ex) when (ex.Status == AgentStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<RemoteJob?> FindJobByRequestIdAsync(string requestId, CancellationToken cancellationToken)
    {
        var response = await UnaryAsync(o => _agent.ListJobsAsync(new ListJobsRequest { RequestId = requestId, PageSize = 1 }, o), cancellationToken);

        // An agent older than the request_id filter ignores the field and lists its newest job: only an exact match counts.
        var job = response.Jobs.FirstOrDefault(j => j.RequestId == requestId);
        return job is null ? null : AgentJobMapping.ToDomain(job);
    }

    public async Task<RemoteJob?> CancelJobAsync(string jobId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await UnaryAsync(o => _agent.CancelJobAsync(new CancelJobRequest { JobId = jobId }, o), cancellationToken);
            return response.Job is null ? null : AgentJobMapping.ToDomain(response.Job);
        }
        catch (AgentCallException ex) when (ex.Status == AgentStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<T> UnaryAsync<T>(Func<CallOptions, AsyncUnaryCall<T>> start, CancellationToken cancellationToken)
    {
        var options = new CallOptions(deadline: Deadline(_options.UnaryTimeout), cancellationToken: cancellationToken);
        try
        {
            using var call = start(options);
            return await call.ResponseAsync;
        }
        catch (RpcException ex)
        {
            throw Translate(ex, cancellationToken);
        }
    }

    // grpc-dotnet measures a deadline on the system clock (it is sent as a duration, grpc-timeout), so it is taken from
    // the system clock, not from the injected one.
    private static DateTime Deadline(TimeSpan timeout) => DateTime.UtcNow + timeout;

    private IAsyncEnumerable<RemoteJob> StreamAsync(Func<CallOptions, AsyncServerStreamingCall<JobEvent>> start, CancellationToken cancellationToken) =>
        StreamAsync(start, Deadline(_options.StreamTimeout), cancellationToken);

    private static async IAsyncEnumerable<RemoteJob> StreamAsync(Func<CallOptions, AsyncServerStreamingCall<JobEvent>> start, DateTime deadline,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var call = Start(start, deadline, cancellationToken);
        while (await MoveNextAsync(call.ResponseStream, cancellationToken))
        {
            if (call.ResponseStream.Current.Job is { } job)
            {
                yield return AgentJobMapping.ToDomain(job);
            }
        }
    }

    private static AsyncServerStreamingCall<JobEvent> Start(Func<CallOptions, AsyncServerStreamingCall<JobEvent>> start, DateTime deadline,
        CancellationToken cancellationToken)
    {
        try
        {
            return start(new CallOptions(deadline: deadline, cancellationToken: cancellationToken));
        }
        catch (RpcException ex)
        {
            throw Translate(ex, cancellationToken);
        }
    }

    private static async Task<bool> MoveNextAsync(IAsyncStreamReader<JobEvent> stream, CancellationToken cancellationToken)
    {
        try
        {
            return await stream.MoveNext(cancellationToken);
        }
        catch (RpcException ex)
        {
            throw Translate(ex, cancellationToken);
        }
    }

    private static Exception Translate(RpcException ex, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new OperationCanceledException(ex.Message, ex, cancellationToken);
        }

        var status = CallFailure.StatusOf(ex);
        return new AgentCallException((AgentStatusCode)(int)status.StatusCode, status.Detail,
            status.StatusCode == StatusCode.ResourceExhausted && RetryPushback.TryRead(ex.Trailers, out var retryAfter) ? retryAfter : null, ex);
    }
}
