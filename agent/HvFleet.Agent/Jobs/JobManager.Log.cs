using HvFleet.Hypervisors;

namespace HvFleet.Agent.Jobs;

internal sealed partial class JobManager
{
    [LoggerMessage(EventId = 1001, EventName = "JobQueued", Level = LogLevel.Information,
        Message = "Job {JobId} ({Kind}) queued, request id {RequestId}")]
    private static partial void LogJobQueued(ILogger logger, string jobId, JobKind kind, string? requestId);

    [LoggerMessage(EventId = 1002, EventName = "JobReplayed", Level = LogLevel.Information,
        Message = "Request id {RequestId} replayed: returning existing job {JobId}")]
    private static partial void LogJobReplayed(ILogger logger, string requestId, string jobId);

    [LoggerMessage(EventId = 1003, EventName = "RequestIdConflict", Level = LogLevel.Warning,
        Message = "Request id {RequestId} reused for a different request (existing job {JobId})")]
    private static partial void LogRequestIdConflict(ILogger logger, string requestId, string jobId);

    [LoggerMessage(EventId = 1004, EventName = "JobQueueFull", Level = LogLevel.Warning,
        Message = "Refused a {Kind} job: the queue is full ({MaxQueued} waiting)")]
    private static partial void LogQueueFull(ILogger logger, JobKind kind, int maxQueued);

    [LoggerMessage(EventId = 1005, EventName = "JobStarted", Level = LogLevel.Information,
        Message = "Job {JobId} ({Kind}) started")]
    private static partial void LogJobStarted(ILogger logger, string jobId, JobKind kind);

    [LoggerMessage(EventId = 1006, EventName = "JobFinished", Level = LogLevel.Information,
        Message = "Job {JobId} ({Kind}) finished {State} after {ElapsedMs} ms")]
    private static partial void LogJobFinished(ILogger logger, string jobId, JobKind kind, JobState state, double elapsedMs);

    [LoggerMessage(EventId = 1007, EventName = "JobFailedByHypervisor", Level = LogLevel.Warning,
        Message = "Job {JobId} failed in the hypervisor: code {HyperVCode} ({Family}): {Description}")]
    private static partial void LogJobFailedByHypervisor(ILogger logger, string jobId, uint hyperVCode, HyperVCodeFamily family, string description);

    [LoggerMessage(EventId = 1008, EventName = "JobCrashed", Level = LogLevel.Error,
        Message = "Job {JobId} failed with an unexpected error")]
    private static partial void LogJobCrashed(ILogger logger, string jobId, Exception exception);

    [LoggerMessage(EventId = 1009, EventName = "JobCancelRequested", Level = LogLevel.Information,
        Message = "Cancellation requested for running job {JobId}")]
    private static partial void LogCancelRequested(ILogger logger, string jobId);

    [LoggerMessage(EventId = 1010, EventName = "JobPersistFailed", Level = LogLevel.Error,
        Message = "Could not write job {JobId} ({State}) to the job store")]
    private static partial void LogPersistFailed(ILogger logger, string jobId, JobState state, Exception exception);

    [LoggerMessage(EventId = 1012, EventName = "JobStartRefusedByStore", Level = LogLevel.Warning,
        Message = "Refused a {Kind} job: {Problem}")]
    private static partial void LogStartRefusedByStore(ILogger logger, JobKind kind, string problem);

    [LoggerMessage(EventId = 1013, EventName = "JobTerminalNotRecorded", Level = LogLevel.Error,
        Message = "Job {JobId} ended {State} but the job store never recorded it before the agent stopped; the next start settles it")]
    private static partial void LogTerminalNotRecorded(ILogger logger, string jobId, JobState state);

    [LoggerMessage(EventId = 1011, EventName = "BackendJobRecorded", Level = LogLevel.Debug,
        Message = "Job {JobId} follows backend job {BackendJobId}")]
    private static partial void LogBackendJob(ILogger logger, string jobId, string backendJobId);

    [LoggerMessage(EventId = 1020, EventName = "JobsRecovered", Level = LogLevel.Information,
        Message = "Recovery: {Unfinished} unfinished jobs found, {Resumed} re-attached to their backend job")]
    private static partial void LogRecovered(ILogger logger, int unfinished, int resumed);

    [LoggerMessage(EventId = 1021, EventName = "JobResuming", Level = LogLevel.Information,
        Message = "Re-attaching job {JobId} to backend job {BackendJobId}")]
    private static partial void LogJobResuming(ILogger logger, string jobId, string backendJobId);

    [LoggerMessage(EventId = 1022, EventName = "JobInterrupted", Level = LogLevel.Warning,
        Message = "Job {JobId} ({Kind}) was {State} when the agent stopped; recorded as interrupted")]
    private static partial void LogJobInterrupted(ILogger logger, string jobId, JobKind kind, JobState state);

    [LoggerMessage(EventId = 1023, EventName = "JobPayloadUnreadable", Level = LogLevel.Warning,
        Message = "Job {JobId} has an unreadable request payload; it cannot be re-attached")]
    private static partial void LogPayloadUnreadable(ILogger logger, string jobId, Exception exception);

    [LoggerMessage(EventId = 1024, EventName = "PartialExportRemoved", Level = LogLevel.Information,
        Message = "Job {JobId}: removed partial export {Path}")]
    private static partial void LogPartialExportRemoved(ILogger logger, string jobId, string path);

    [LoggerMessage(EventId = 1025, EventName = "PartialExportNotRemoved", Level = LogLevel.Warning,
        Message = "Job {JobId}: could not remove the partial export of {Path}")]
    private static partial void LogPartialExportNotRemoved(ILogger logger, string jobId, string path, Exception exception);

    [LoggerMessage(EventId = 1030, EventName = "JobsDraining", Level = LogLevel.Information,
        Message = "Shutting down: waiting up to {GraceSeconds} s for {Running} running jobs")]
    private static partial void LogDraining(ILogger logger, int running, double graceSeconds);

    [LoggerMessage(EventId = 1031, EventName = "BackendIgnoredStop", Level = LogLevel.Warning,
        Message = "Job {JobId} did not stop before the shutdown timeout; recorded as stopped")]
    private static partial void LogBackendIgnoredStop(ILogger logger, string jobId);
}
