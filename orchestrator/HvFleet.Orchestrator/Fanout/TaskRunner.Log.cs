using Microsoft.Extensions.Logging;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>The task runner's source-generated logs.</summary>
internal sealed partial class TaskRunner
{
    [LoggerMessage(EventId = 300, EventName = "TaskRetrying", Level = LogLevel.Warning,
        Message = "Task {Host}/{Target}: attempt {Attempt} failed ({Reason}); retrying in {Delay}")]
    private static partial void LogRetrying(ILogger logger, string host, string target, int attempt, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 301, EventName = "JobAdopted", Level = LogLevel.Information,
        Message = "Adopted job {JobId} on {Host} for {Target}: it completed after the original operation gave up")]
    private static partial void LogAdopted(ILogger logger, string jobId, string host, string target);

    [LoggerMessage(EventId = 302, EventName = "JobLost", Level = LogLevel.Warning,
        Message = "Agent job {JobId} on {Host} is unknown to the agent; re-attaching by request id")]
    private static partial void LogJobLost(ILogger logger, string jobId, string host);

    [LoggerMessage(EventId = 303, EventName = "CancelJobFailed", Level = LogLevel.Warning,
        Message = "CancelJob {JobId} on {Host} failed: {Error}")]
    private static partial void LogCancelFailed(ILogger logger, string jobId, string host, string error);

    [LoggerMessage(EventId = 305, EventName = "JobFoundByRequestId", Level = LogLevel.Information,
        Message = "Found agent job {JobId} on {Host} by request id {RequestId} (its id had not been received); cancelling it")]
    private static partial void LogJobFoundByRequestId(ILogger logger, string jobId, string host, string requestId);

    [LoggerMessage(EventId = 306, EventName = "TaskPushedBack", Level = LogLevel.Information,
        Message = "Task {Host}/{Target}: attempt {Attempt} refused by the agent's call limit, which asked for a retry in {RetryAfter}; retrying in {Delay}")]
    private static partial void LogPushedBack(ILogger logger, string host, string target, int attempt, TimeSpan retryAfter, TimeSpan delay);

    [LoggerMessage(EventId = 304, EventName = "CheckpointCleanup", Level = LogLevel.Information,
        Message = "Cleanup of {Host}/{Target} checkpoints: removed = {Removed}")]
    private static partial void LogCleanup(ILogger logger, string host, string target, bool removed);
}
