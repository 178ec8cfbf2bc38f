namespace HvFleet.Agent.Jobs;

/// <summary>
/// What a job request came to (a request handler in <c>Jobs/Requests</c>, then
/// <see cref="JobManager.StartAsync(JobSpec, string?, CancellationToken)"/>); the RPC layer maps each to a gRPC status.
/// </summary>
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

    /// <summary>A field of the request is invalid; the message names every one (INVALID_ARGUMENT).</summary>
    InvalidRequest = 8,

    /// <summary>The request's target (VM, VM group, snapshot) does not exist on this host (NOT_FOUND).</summary>
    TargetNotFound = 9,

    /// <summary>The target exists but cannot be worked on now, with the Hyper-V code that says why (FAILED_PRECONDITION).</summary>
    TargetNotReady = 10,

    /// <summary>The export directory lies outside every export root (PERMISSION_DENIED).</summary>
    PathDenied = 11,

    /// <summary>The export volume has no room for an export (RESOURCE_EXHAUSTED).</summary>
    NoExportSpace = 12,
}
