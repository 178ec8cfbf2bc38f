using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace HvFleet.Agent.Jobs.Engine;

/// <summary>
/// Fans a job's state out to its watchers: each has its own bounded buffer
/// (<see cref="JobOptions.WatcherBufferCapacity"/>), so a slow watcher may miss intermediate
/// progress (every event is the whole state) but never the terminal state, which is read from the
/// <see cref="JobJournal"/>'s durable record.
/// </summary>
internal sealed class JobWatchHub(JobDispatcher dispatcher, JobJournal journal, IOptions<JobOptions> options)
{
    private readonly int _bufferCapacity = options.Value.WatcherBufferCapacity;

    /// <summary>
    /// The job's current state first, then every change, until (and including) the terminal
    /// state. Yields nothing for an unknown job.
    /// </summary>
    public async IAsyncEnumerable<AgentJob> WatchAsync(string jobId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        dispatcher.TryGetActive(jobId, out var runtime);
        var reader = runtime?.Subscribe(_bufferCapacity);
        if (reader is null)
        {
            if (await journal.ReadFinalAsync(runtime, jobId, cancellationToken) is { } done)
            {
                yield return done;
            }

            yield break;
        }

        long last = 0;
        var terminal = false;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                while (reader.TryRead(out var job))
                {
                    if (job.Sequence > last)
                    {
                        last = job.Sequence;
                        terminal = job.State.IsTerminal();
                        yield return job;
                    }
                }
            }
        }
        finally
        {
            runtime!.Unsubscribe(reader);
        }

        if (!terminal && await journal.ReadFinalAsync(runtime, jobId, cancellationToken) is { } final && final.Sequence > last)
        {
            yield return final;
        }
    }
}
