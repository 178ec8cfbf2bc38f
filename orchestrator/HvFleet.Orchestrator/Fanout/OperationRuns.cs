using System.Collections.Concurrent;
using HvFleet.Orchestrator.Hosting;
using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Progress;
using HvFleet.Orchestrator.Store;
using Microsoft.Extensions.Logging;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>The operations this orchestrator runs: each in the background (<see cref="OperationRunner"/>) with its live
/// view for watchers, under a lease (<see cref="LeaseKeeper"/>); cancelled on request; on shutdown stopped where they
/// stand with their leases given up, so that the next orchestrator resumes them.</summary>
internal sealed partial class OperationRuns(
    OperationRunner runner,
    LeaseKeeper leases,
    IOperationStore store,
    TimeProvider timeProvider,
    OrchestratorOptions options,
    OrchestratorFatalErrors fatal,
    ILogger<OperationRuns> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, LiveOperation> _live = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _runs = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _shutdown = new();

    /// <summary>This orchestrator's lease owner name.</summary>
    public string OwnerId { get; } = LeaseOwners.Create();

    public bool TryGetLive(string operationId, out LiveOperation live) => _live.TryGetValue(operationId, out live!);

    public bool IsRunningHere(string operationId) => _live.ContainsKey(operationId);

    /// <summary>The live view while the operation runs here, else the stored one; null when unknown.</summary>
    public async Task<FleetOperation?> GetAsync(string operationId, CancellationToken cancellationToken) =>
        _live.TryGetValue(operationId, out var live) ? live.Snapshot() : await store.GetAsync(operationId, cancellationToken);

    /// <summary>Starts running <paramref name="operation"/> in the background; its lease must be held already.</summary>
    public LiveOperation Launch(FleetOperation operation, FleetOperation? source, bool cancelAtOnce)
    {
        var live = new LiveOperation(operation, timeProvider, options.WatchBufferSize);
        _live[operation.Id] = live;
        if (cancelAtOnce)
        {
            live.Cancellation.Cancel();
        }

        _runs[operation.Id] = Task.Run(() => RunAsync(live, source));
        return live;
    }

    public async Task<FleetResult<FleetOperation>> CancelAsync(string operationId, CancellationToken cancellationToken)
    {
        if (_live.TryGetValue(operationId, out var live))
        {
            var cancelling = live.UpdateOperation(o => o.State.IsTerminal() ? o : o with { State = OperationState.Cancelling });
            await store.UpdateOperationAsync(cancelling, cancellationToken);
            await live.Cancellation.CancelAsync();
            LogCancelling(logger, operationId);
            return FleetResult<FleetOperation>.Success(cancelling);
        }

        // Run by another orchestrator (or not resumed yet): marked Cancelling in one statement, which its owner's writes
        // never undo; the owner polls for it (CancelRequestPoller) and stops the run. An ended operation is left as it is.
        var stored = await store.RequestCancelAsync(operationId, cancellationToken);
        return stored is null
            ? FleetResult<FleetOperation>.Fail(FleetErrorCode.NotFound, $"operation_id: no operation '{operationId}'")
            : FleetResult<FleetOperation>.Success(stored);
    }

    /// <summary>Waits until the operation is no longer running here and returns it as stored.</summary>
    public async Task<FleetOperation?> WaitAsync(string operationId, CancellationToken cancellationToken)
    {
        if (_live.TryGetValue(operationId, out var live))
        {
            await live.Finished.Task.WaitAsync(cancellationToken);
        }

        return await store.GetAsync(operationId, cancellationToken);
    }

    /// <summary>Stops every run where it stands (nothing is marked failed or cancelled) and gives up the leases.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_shutdown.IsCancellationRequested)
        {
            return;
        }

        await _shutdown.CancelAsync();
        await Task.WhenAll(_runs.Values);
        LeaseOwners.Retire(OwnerId);
        _shutdown.Dispose();
    }

    private async Task RunAsync(LiveOperation live, FleetOperation? source)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
        var run = new RunContext(live, live.Cancellation.Token, stop.Token);
        using var runEnded = new CancellationTokenSource();
        var keeping = leases.KeepAsync(live, OwnerId, stop, runEnded.Token);
        try
        {
            await runner.RunAsync(run, source);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            LogStopped(logger, live.Id);
        }
        catch (Exception ex)
        {
            // A bug or a store failure: record it so the operation does not look like it is still running.
            LogRunFailed(logger, ex, live.Id);
            if (OperationStoreErrors.Describe(ex, store) is { } storeFailure)
            {
                // The run cannot record what it does: stop the orchestrator (exit 1) so that a service manager restarts
                // it, and the next start resumes the operation from what the store holds.
                fatal.Report(storeFailure.Message);
            }

            try
            {
                var failed = live.UpdateOperation(o => o with
                {
                    State = OperationState.Failed,
                    FinishedAt = timeProvider.GetUtcNow(),
                    Message = $"orchestrator error: {ex.Message}",
                });
                await store.UpdateOperationAsync(failed, CancellationToken.None);
            }
            catch (Exception storeEx)
            {
                LogRunFailed(logger, storeEx, live.Id);
            }
        }
        finally
        {
            await runEnded.CancelAsync();
            await keeping;
            try
            {
                await store.ReleaseLeaseAsync(live.Id, OwnerId, CancellationToken.None);
            }
            catch (Exception ex)
            {
                LogRunFailed(logger, ex, live.Id);
            }

            _live.TryRemove(live.Id, out _);
            _runs.TryRemove(live.Id, out _);
            live.Complete();
            live.Finished.TrySetResult();
            live.Cancellation.Dispose();
        }
    }

    [LoggerMessage(EventId = 212, EventName = "OperationCancelling", Level = LogLevel.Information,
        Message = "Cancelling operation {OperationId}")]
    private static partial void LogCancelling(ILogger logger, string operationId);

    [LoggerMessage(EventId = 213, EventName = "OperationStopped", Level = LogLevel.Information,
        Message = "Operation {OperationId} stopped where it stands (shutdown or lease lost); it will be resumed")]
    private static partial void LogStopped(ILogger logger, string operationId);

    [LoggerMessage(EventId = 214, EventName = "OperationRunFailed", Level = LogLevel.Error,
        Message = "Operation {OperationId} failed in the orchestrator")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, string operationId);
}
