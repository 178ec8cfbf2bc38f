namespace HvFleet.Agent.Jobs;

/// <summary>
/// The outcome of <see cref="IJobStore.InsertAsync"/>: the job written, or (when
/// <see cref="Inserted"/> is false) the existing job that holds the same request id.
/// </summary>
internal readonly record struct JobInsertResult(bool Inserted, AgentJob Job);
