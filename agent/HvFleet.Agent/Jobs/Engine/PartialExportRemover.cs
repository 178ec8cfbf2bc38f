namespace HvFleet.Agent.Jobs.Engine;

/// <summary>Removes what an interrupted export job left (through <see cref="ExportCleanup"/>), logging each path.</summary>
internal sealed partial class PartialExportRemover(ILogger<PartialExportRemover> logger)
{
    /// <summary>The paths removed for <paramref name="job"/>; none when it was not a running export, or when removing failed (logged).</summary>
    public IReadOnlyList<string> Remove(AgentJob job)
    {
        // A job that never ran wrote nothing; one whose target existed before must keep it.
        if (job.Kind != JobKind.ExportSnapshot || job.ExportDirectory is null || job.State != JobState.Running)
        {
            return [];
        }

        try
        {
            var removed = ExportCleanup.RemovePartialExport(job.ExportDirectory, removeTarget: !job.ExportTargetExisted);
            foreach (var path in removed)
            {
                LogPartialExportRemoved(logger, job.Id, path);
            }

            return removed;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogPartialExportNotRemoved(logger, job.Id, job.ExportDirectory, ex);
            return [];
        }
    }

    [LoggerMessage(EventId = 1024, EventName = "PartialExportRemoved", Level = LogLevel.Information,
        Message = "Job {JobId}: removed partial export {Path}")]
    private static partial void LogPartialExportRemoved(ILogger logger, string jobId, string path);

    [LoggerMessage(EventId = 1025, EventName = "PartialExportNotRemoved", Level = LogLevel.Warning,
        Message = "Job {JobId}: could not remove the partial export of {Path}")]
    private static partial void LogPartialExportNotRemoved(ILogger logger, string jobId, string path, Exception exception);
}
