namespace HvFleet.Agent.Jobs.Requests;

/// <summary>What a cancel came to: the job's state after it, null when the job is unknown; or the job store problem that refused it.</summary>
internal sealed record JobCancelResult(AgentJob? Job, JobStoreException? StoreProblem);
