namespace HvFleet.Agent.Jobs;

/// <summary>Durable job records. Implementations are safe for concurrent use.</summary>
internal interface IJobStore
{
    /// <summary>Where the jobs are kept (the database file), for messages to operators.</summary>
    string Location => GetType().Name;

    /// <summary>
    /// Inserts a new job. When another job already holds the same request id, nothing is written
    /// and that job is returned instead.
    /// </summary>
    Task<JobInsertResult> InsertAsync(AgentJob job, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a job's mutable state. Writes are monotonic: the update is applied only when
    /// <see cref="AgentJob.Sequence"/> is higher than the stored one, so a late progress write can
    /// never overwrite a terminal state. Returns whether the row changed.
    /// </summary>
    Task<bool> UpdateAsync(AgentJob job, CancellationToken cancellationToken);

    Task<AgentJob?> GetAsync(string jobId, CancellationToken cancellationToken);

    Task<AgentJob?> GetByRequestIdAsync(string requestId, CancellationToken cancellationToken);

    /// <summary>Jobs newest first, optionally only those in <paramref name="state"/>.</summary>
    Task<IReadOnlyList<AgentJob>> ListAsync(JobState? state, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// A write that changes no job, to learn whether the store can write again after a failure;
    /// throws <see cref="JobStoreException"/> when it cannot. Stores that cannot fail do nothing.
    /// </summary>
    Task ProbeWriteAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
