using System.Runtime.CompilerServices;
using HvFleet.Orchestrator.Agents;
using HvFleet.Orchestrator.Inventory;

namespace HvFleet.Orchestrator.Benchmarks.InProcess;

/// <summary>An agent whose every job takes <c>latency</c> of backend time and nothing else: what remains is overhead.</summary>
internal sealed class LatencyAgent(string name, TimeSpan latency) : IAgentClient, IAgentConnector
{
    private static readonly AgentCollection[] Groups = [new("g1", "group-1", [])];
    private int _jobs;

    public IAgentClient GetClient(FleetHost host) => this;

    public Task<AgentHealth> CheckHealthAsync(CancellationToken cancellationToken) => Task.FromResult(AgentHealth.Serving);

    public Task<AgentHostInfo> GetHostInfoAsync(CancellationToken cancellationToken) => Task.FromResult(new AgentHostInfo(name, "lab", "bench"));

    public Task<IReadOnlyList<AgentCollection>> ListCollectionsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<AgentCollection>>(Groups);

    public Task<IReadOnlyList<AgentVirtualMachine>> ListVirtualMachinesAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<AgentVirtualMachine>>([]);

    public IAsyncEnumerable<RemoteJob> CreateSnapshotAsync(CreateSnapshotCommand command, CancellationToken cancellationToken) => RunAsync(command.RequestId, cancellationToken);

    public IAsyncEnumerable<RemoteJob> ExportSnapshotAsync(ExportSnapshotCommand command, CancellationToken cancellationToken) => RunAsync(command.RequestId, cancellationToken);

    public IAsyncEnumerable<RemoteJob> DeleteSnapshotAsync(DeleteSnapshotCommand command, CancellationToken cancellationToken) => RunAsync(command.RequestId, cancellationToken);

    public IAsyncEnumerable<RemoteJob> WatchJobAsync(string jobId, CancellationToken cancellationToken) => RunAsync(jobId, cancellationToken);

    public Task<RemoteJob?> GetJobAsync(string jobId, CancellationToken cancellationToken) => Task.FromResult<RemoteJob?>(null);

    public Task<RemoteJob?> FindJobByRequestIdAsync(string requestId, CancellationToken cancellationToken) => Task.FromResult<RemoteJob?>(null);

    public Task<RemoteJob?> CancelJobAsync(string jobId, CancellationToken cancellationToken) => Task.FromResult<RemoteJob?>(null);

    private async IAsyncEnumerable<RemoteJob> RunAsync(string requestId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string id = $"{name}-{Interlocked.Increment(ref _jobs)}";
        yield return new RemoteJob { Id = id, State = AgentJobState.Running, RequestId = requestId };
        await Task.Delay(latency, cancellationToken);
        yield return new RemoteJob { Id = id, State = AgentJobState.Completed, Percent = 100, RequestId = requestId, SnapshotIds = [$"snap-{id}"] };
    }
}
