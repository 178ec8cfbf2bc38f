namespace HvFleet.Orchestrator.Agents;

/// <summary>The engine's view of one host agent. Failures before a job exists throw
/// <see cref="AgentCallException"/>; a job that fails is data (<see cref="RemoteJob.State"/>).
/// Mutating calls carry a request id: the agent returns the same job for the same id, never a second one.</summary>
public interface IAgentClient
{
    Task<AgentHealth> CheckHealthAsync(CancellationToken cancellationToken);

    Task<AgentHostInfo> GetHostInfoAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<AgentCollection>> ListCollectionsAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<AgentVirtualMachine>> ListVirtualMachinesAsync(CancellationToken cancellationToken);

    /// <summary>Streams the job's states until it is terminal.</summary>
    IAsyncEnumerable<RemoteJob> CreateSnapshotAsync(CreateSnapshotCommand command, CancellationToken cancellationToken);

    IAsyncEnumerable<RemoteJob> ExportSnapshotAsync(ExportSnapshotCommand command, CancellationToken cancellationToken);

    IAsyncEnumerable<RemoteJob> DeleteSnapshotAsync(DeleteSnapshotCommand command, CancellationToken cancellationToken);

    /// <summary>The job's current state first, then every change until terminal. NotFound when unknown.</summary>
    IAsyncEnumerable<RemoteJob> WatchJobAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>The job's current state, or null when the agent does not know it.</summary>
    Task<RemoteJob?> GetJobAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>The job the agent created for <paramref name="requestId"/>, or null when it has none. How a task that
    /// never received its job id (cancelled or timed out before the first event) finds the job to cancel.</summary>
    Task<RemoteJob?> FindJobByRequestIdAsync(string requestId, CancellationToken cancellationToken);

    /// <summary>Ask a job to stop; returns its state after the request, or null when unknown.</summary>
    Task<RemoteJob?> CancelJobAsync(string jobId, CancellationToken cancellationToken);
}
