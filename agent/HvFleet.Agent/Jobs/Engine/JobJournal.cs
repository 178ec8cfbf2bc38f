using Microsoft.Extensions.Options;

namespace HvFleet.Agent.Jobs.Engine;

/// <summary>
/// Writes jobs to the <see cref="IJobStore"/>: each job's writes in order on its own queue, and
/// its terminal state durable before anyone hears of it (retried until the store can write, or
/// given up when the agent stops). Also reads a job's final state, durable record first.
/// </summary>
internal sealed partial class JobJournal(
    IJobStore store, JobStoreHealth storeHealth, IOptions<JobOptions> options, TimeProvider time, ILogger<JobJournal> logger) : IDisposable
{
    private readonly JobOptions _options = options.Value;

    // Ends the waits of terminal states for a store that cannot write, when the agent gives up on them (shutdown).
    private readonly CancellationTokenSource _storeWaits = new();
    private int _disposed;

    /// <summary>
    /// Writes the terminal state, then announces it: a watcher, a stream or GetJob never sees a
    /// terminal state the store lacks. While the store cannot write the job stays as it was (live
    /// and stored) and the write is tried again every <see cref="JobOptions.StoreRetryInterval"/>
    /// or as soon as the store can write; if the agent stops first, nothing is announced and the
    /// next start settles the job from its stored record.
    /// </summary>
    public async Task FinishAsync(JobRuntime runtime, Func<AgentJob, AgentJob> change)
    {
        var now = time.GetUtcNow();
        var final = runtime.TryBeginFinish(job => change(job) with { FinishedAt = now });
        if (final is null)
        {
            return;
        }

        while (!await PersistAsync(runtime, final, now))
        {
            if (!await WaitToRetryStoreAsync())
            {
                LogTerminalNotRecorded(logger, final.Id, final.State);
                return;
            }
        }

        runtime.Announce();
        LogJobFinished(logger, final.Id, final.Kind, final.State, (final.FinishedAt - final.StartedAt)?.TotalMilliseconds ?? 0);
    }

    /// <summary>Queues a write of <paramref name="job"/> behind the job's earlier writes; false when it failed (logged).</summary>
    public async Task<bool> PersistAsync(JobRuntime runtime, AgentJob job, DateTimeOffset now)
    {
        runtime.MarkPersisted(now);
        var ok = true;
        await runtime.QueueWrite(async () =>
        {
            try
            {
                await store.UpdateAsync(job, CancellationToken.None);
            }
            catch (Exception ex)
            {
                ok = false;
                LogPersistFailed(logger, job.Id, job.State, ex);
            }
        });
        return ok;
    }

    /// <summary>The durable record first; the in-memory terminal state only if writing it failed.</summary>
    public async Task<AgentJob?> ReadFinalAsync(JobRuntime? runtime, string jobId, CancellationToken cancellationToken)
    {
        var stored = await store.GetAsync(jobId, cancellationToken);
        var memory = runtime?.Final;
        return memory is not null && (stored is null || stored.Sequence < memory.Sequence) ? memory : stored;
    }

    /// <summary>Gives up terminal states still waiting for a store that cannot write (shutdown): recovery settles them.</summary>
    public Task GiveUpWaitsAsync() => _storeWaits.CancelAsync();

    public void Dispose()
    {
        // The façade and the container may both dispose it.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _storeWaits.Cancel();
        _storeWaits.Dispose();
    }

    // After a failed write: waits for the store to become writable again (a probe or another job's write succeeded) or
    // for the retry interval on the injected clock; false when the agent gave up (stopping).
    private async Task<bool> WaitToRetryStoreAsync()
    {
        CancellationToken stopping;
        try
        {
            stopping = _storeWaits.Token;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var retry = Task.Delay(_options.StoreRetryInterval, time, wait.Token);
        var woken = storeHealth.IsWritable ? retry : await Task.WhenAny(retry, storeHealth.WaitWritableAsync(wait.Token));
        await wait.CancelAsync();
        try
        {
            await woken;
        }
        catch (OperationCanceledException)
        {
        }

        return !stopping.IsCancellationRequested;
    }

    [LoggerMessage(EventId = 1006, EventName = "JobFinished", Level = LogLevel.Information,
        Message = "Job {JobId} ({Kind}) finished {State} after {ElapsedMs} ms")]
    private static partial void LogJobFinished(ILogger logger, string jobId, JobKind kind, JobState state, double elapsedMs);

    [LoggerMessage(EventId = 1010, EventName = "JobPersistFailed", Level = LogLevel.Error,
        Message = "Could not write job {JobId} ({State}) to the job store")]
    private static partial void LogPersistFailed(ILogger logger, string jobId, JobState state, Exception exception);

    [LoggerMessage(EventId = 1013, EventName = "JobTerminalNotRecorded", Level = LogLevel.Error,
        Message = "Job {JobId} ended {State} but the job store never recorded it before the agent stopped; the next start settles it")]
    private static partial void LogTerminalNotRecorded(ILogger logger, string jobId, JobState state);
}
