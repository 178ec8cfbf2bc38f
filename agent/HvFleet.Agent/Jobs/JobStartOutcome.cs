namespace HvFleet.Agent.Jobs;

/// <summary>What <see cref="JobManager.StartAsync"/> did; the RPC layer maps each to a gRPC status.</summary>
internal enum JobStartOutcome
{
    /// <summary>A new job was created and queued (stream it; OK).</summary>
    Created = 1,

    /// <summary>The request id was already known with the same request: the existing job is returned (OK).</summary>
    Existing = 2,

    /// <summary>The request id was already used for a different request (ALREADY_EXISTS).</summary>
    RequestIdConflict = 3,

    /// <summary>The host's job queue is full (RESOURCE_EXHAUSTED).</summary>
    QueueFull = 4,

    /// <summary>The engine is starting (recovery not done) or draining for shutdown (UNAVAILABLE).</summary>
    Unavailable = 5,

    /// <summary>The job store's volume is full: nothing was recorded (RESOURCE_EXHAUSTED naming the file).</summary>
    StoreFull = 6,

    /// <summary>The job store cannot write for another reason (damaged, read-only, I/O error): nothing was recorded (UNAVAILABLE).</summary>
    StoreFailed = 7,
}
