using System.Diagnostics;
using HvFleet.Protos.Agent.V1;
using Grpc.Core;

namespace HvFleet.Chaos.Tests.Invariants;

/// <summary>Reading job streams: to the end, or until a kill point.</summary>
internal static class JobStreams
{
    public static bool IsTerminal(JobState state) => state is JobState.Completed or JobState.Failed or JobState.Cancelled;

    /// <summary>Reads the stream to its end; returns the last job, the number of events and the time taken.</summary>
    public static async Task<(Job Job, int Events, TimeSpan Elapsed)> ToEndAsync(AsyncServerStreamingCall<JobEvent> call, TimeSpan timeout)
    {
        using (call)
        {
            using var deadline = new CancellationTokenSource(timeout);
            var watch = Stopwatch.StartNew();
            Job? last = null;
            int events = 0;
            await foreach (var e in call.ResponseStream.ReadAllAsync(deadline.Token))
            {
                last = e.Job;
                events++;
            }

            return (last ?? throw new InvalidOperationException("The job stream ended without an event."), events, watch.Elapsed);
        }
    }

    /// <summary>Reads the stream until <paramref name="point"/> (or its end, when the job finishes first), runs
    /// <paramref name="kill"/>, then drains what the kill broke. Returns the last job seen before the kill (null if
    /// none) and whether that job was still running.</summary>
    public static async Task<(Job? Seen, bool MidWork)> KillAtAsync(AsyncServerStreamingCall<JobEvent> call, KillPoint point, Func<Task> kill, TimeSpan timeout)
    {
        using (call)
        {
            using var deadline = new CancellationTokenSource(timeout);
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Job? last = null;
            int events = 0;
            var lockObject = new Lock();
            var reader = Task.Run(async () =>
            {
                try
                {
                    await foreach (var e in call.ResponseStream.ReadAllAsync(deadline.Token))
                    {
                        lock (lockObject)
                        {
                            last = e.Job;
                            events++;
                            if (point.IsDue(events, e.Job))
                            {
                                reached.TrySetResult();
                            }
                        }
                    }
                }
                catch (RpcException)
                {
                    // The kill broke the stream: expected.
                }
                catch (OperationCanceledException)
                {
                }
                finally
                {
                    // Ended before the kill point: the job finished first; the kill lands just after it.
                    reached.TrySetResult();
                }
            });

            if (point.AtCommit || point.AfterEvent > 0)
            {
                await reached.Task.WaitAsync(timeout);
            }
            else
            {
                // The kill point itself is the random delay (nothing is awaited by sleeping); a job that ends first ends it.
                await Task.WhenAny(Task.Delay(point.AfterDelay), reached.Task);
            }

            Job? seen;
            lock (lockObject)
            {
                seen = last;
            }

            await kill();
            await reader.WaitAsync(timeout);
            return (seen, seen is null || !IsTerminal(seen.State));
        }
    }
}
