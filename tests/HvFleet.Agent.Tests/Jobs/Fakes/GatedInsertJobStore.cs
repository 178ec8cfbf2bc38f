using HvFleet.Agent.Jobs;

namespace HvFleet.Agent.Tests.Jobs.Fakes;

/// <summary>A job store whose inserts wait until the test opens the gate (a start caught mid-insert); everything else
/// goes straight to the inner store.</summary>
internal sealed class GatedInsertJobStore(IJobStore inner) : IJobStore
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when an insert is waiting at the gate.</summary>
    public Task InsertEntered => _entered.Task;

    public void Open() => _open.TrySetResult();

    public async Task<JobInsertResult> InsertAsync(AgentJob job, CancellationToken cancellationToken)
    {
        _entered.TrySetResult();
        await _open.Task.WaitAsync(cancellationToken);
        return await inner.InsertAsync(job, cancellationToken);
    }

    public Task<bool> UpdateAsync(AgentJob job, CancellationToken cancellationToken) => inner.UpdateAsync(job, cancellationToken);

    public Task<AgentJob?> GetAsync(string jobId, CancellationToken cancellationToken) => inner.GetAsync(jobId, cancellationToken);

    public Task<AgentJob?> GetByRequestIdAsync(string requestId, CancellationToken cancellationToken) =>
        inner.GetByRequestIdAsync(requestId, cancellationToken);

    public Task<IReadOnlyList<AgentJob>> ListAsync(JobState? state, int limit, CancellationToken cancellationToken) =>
        inner.ListAsync(state, limit, cancellationToken);
}
