using Microsoft.Extensions.Options;

namespace HvFleet.Agent.Jobs;

/// <summary>
/// While the job store cannot write, tries a probe write every <see cref="JobOptions.StoreRetryInterval"/>
/// (on the injected clock), so that health and new jobs come back by themselves once space returns,
/// even when no job is waiting to write.
/// </summary>
internal sealed partial class JobStoreProbeService(
    IJobStore store,
    JobStoreHealth health,
    IOptions<JobOptions> options,
    TimeProvider time,
    ILogger<JobStoreProbeService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.StoreRetryInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await ProbeOnceAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The agent is stopping.
        }
    }

    /// <summary>One probe when the store is unwritable; returns whether the store can write now.</summary>
    public async Task<bool> ProbeOnceAsync(CancellationToken cancellationToken)
    {
        if (health.IsWritable)
        {
            return true;
        }

        try
        {
            await store.ProbeWriteAsync(cancellationToken);
            return health.IsWritable;
        }
        catch (JobStoreException ex)
        {
            LogProbeFailed(logger, ex.Message);
            return false;
        }
    }

    [LoggerMessage(EventId = 1110, EventName = "JobStoreProbeFailed", Level = LogLevel.Debug,
        Message = "Job store still cannot write: {Problem}")]
    private static partial void LogProbeFailed(ILogger logger, string problem);
}
