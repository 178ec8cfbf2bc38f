namespace HvFleet.Agent.Jobs;

/// <summary>How the checkpoints that carry a job's identity relate to the job's target.</summary>
internal enum OriginMatchKind
{
    /// <summary>No checkpoint carries the identity.</summary>
    None = 0,

    /// <summary>Checkpoints carrying the identity cover the whole target: the job's work is done.</summary>
    Complete = 1,

    /// <summary>Only some of the target's VMs have a checkpoint carrying the identity.</summary>
    Partial = 2,

    /// <summary>Checkpoints carry the identity but of another target (a request id reused for a different request).</summary>
    OtherTarget = 3,
}
