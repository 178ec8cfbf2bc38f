using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Progress;
using HvFleet.Orchestrator.Store;
using Microsoft.Extensions.Logging;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>Starting runs in the background, leases, watching.</summary>
public sealed partial class FleetEngine
{
    private async Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }

        await _initLock.WaitAsync(cancellationToken);
        try
        {
            if (!_initialized)
            {
                await _store.InitializeAsync(cancellationToken);
                _initialized = true;
            }
        }
        finally
        {
            _initLock.Release();
        }
    }

    private async Task<FleetResult<FleetOperation>> CreateAndStartAsync(FleetOperation operation, FleetOperation? source,
        CancellationToken cancellationToken)
    {
        if (operation.DryRun)
        {
            // The plan is made now (listing is the only agent call) and stored as Planned.
            var tasks = await _planner.PlanAsync(operation, source, cancellationToken);
            var now = _timeProvider.GetUtcNow();
            operation = operation with
            {
                State = OperationState.Planned,
                IsPlanned = true,
                Tasks = tasks,
                StartedAt = now,
                FinishedAt = now,
                Message = $"dry run: {tasks.Count} targets on {tasks.Select(t => t.HostName).Distinct(StringComparer.OrdinalIgnoreCase).Count()} hosts",
            };
            var planned = await _store.CreateAsync(operation, cancellationToken);
            return FleetResult<FleetOperation>.Success(planned.Operation);
        }

        var created = await _store.CreateAsync(operation, cancellationToken);
        if (!created.Created)
        {
            // Same request id as an earlier call: that operation, not a second one.
            return FleetResult<FleetOperation>.Success(await GetAsync(created.Operation.Id, cancellationToken) ?? created.Operation);
        }

        if (!await _store.TryAcquireLeaseAsync(operation.Id, OwnerId, _timeProvider.GetUtcNow() + _options.LeaseDuration, cancellationToken))
        {
            throw new InvalidOperationException($"operation {operation.Id} was claimed by another orchestrator as it was created");
        }

        LogStarted(_logger, operation.Id, operation.Kind, operation.RetryOf);
        var live = Launch(operation, source, cancelAtOnce: false);
        return FleetResult<FleetOperation>.Success(live.Snapshot());
    }

    private LiveOperation Launch(FleetOperation operation, FleetOperation? source, bool cancelAtOnce)
    {
        var live = new LiveOperation(operation, _timeProvider, _options.WatchBufferSize);
        _live[operation.Id] = live;
        if (cancelAtOnce)
        {
            live.Cancellation.Cancel();
        }

        _runs[operation.Id] = Task.Run(() => RunAsync(live, source));
        return live;
    }

    private async Task RunAsync(LiveOperation live, FleetOperation? source)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
        var run = new RunContext(live, live.Cancellation.Token, stop.Token);
        using var renewal = new CancellationTokenSource();
        var renewing = RenewLeaseAsync(live, stop, renewal.Token);
        var polling = _cancelPoller.RunAsync(live, renewal.Token);
        try
        {
            await _runner.RunAsync(run, source);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            LogStopped(_logger, live.Id);
        }
        catch (Exception ex)
        {
            // A bug or a store failure: record it so the operation does not look like it is still running.
            LogRunFailed(_logger, ex, live.Id);
            if (OperationStoreErrors.Describe(ex, (_store as SqliteOperationStore)?.DatabasePath ?? "the operation store") is { } storeFailure)
            {
                // The run cannot record what it does: stop the orchestrator (exit 1) so that a service manager restarts
                // it, and the next start resumes the operation from what the store holds.
                _fatal?.Report(storeFailure.Message);
            }

            try
            {
                var failed = live.UpdateOperation(o => o with
                {
                    State = OperationState.Failed,
                    FinishedAt = _timeProvider.GetUtcNow(),
                    Message = $"orchestrator error: {ex.Message}",
                });
                await _store.UpdateOperationAsync(failed, CancellationToken.None);
            }
            catch (Exception storeEx)
            {
                LogRunFailed(_logger, storeEx, live.Id);
            }
        }
        finally
        {
            await renewal.CancelAsync();
            await renewing;
            await polling;
            try
            {
                await _store.ReleaseLeaseAsync(live.Id, OwnerId, CancellationToken.None);
            }
            catch (Exception ex)
            {
                LogRunFailed(_logger, ex, live.Id);
            }

            _live.TryRemove(live.Id, out _);
            _runs.TryRemove(live.Id, out _);
            live.Complete();
            live.Finished.TrySetResult();
            live.Cancellation.Dispose();
        }
    }

    /// <summary>Keeps the lease alive while the operation runs; if another orchestrator took it, stop here. (A cancel sent to
    /// another orchestrator is noticed by <see cref="CancelRequestPoller"/>, much more often than the lease is renewed.)</summary>
    private async Task RenewLeaseAsync(LiveOperation live, CancellationTokenSource stop, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.LeaseDuration / 3, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (!await _store.TryAcquireLeaseAsync(live.Id, OwnerId, _timeProvider.GetUtcNow() + _options.LeaseDuration, cancellationToken))
                {
                    LogLeaseLost(_logger, live.Id);
                    await stop.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
    }

    private async IAsyncEnumerable<OperationEvent> WatchCoreAsync(string operationId, LiveOperation? live,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long sequence = 0;
        FleetOperation? seen = null;
        while (true)
        {
            var reader = live?.Subscribe();
            if (reader is not null)
            {
                try
                {
                    await foreach (var update in reader.ReadAllAsync(cancellationToken))
                    {
                        // Live sequences keep their gaps (dropped events); after a switch they continue from ours.
                        sequence = Math.Max(sequence + 1, update.Sequence);
                        yield return update with { Sequence = sequence };
                    }
                }
                finally
                {
                    live!.Unsubscribe(reader);
                }

                seen = null;
            }

            // The last event always comes from the durable record, never from the lossy channel.
            var stored = await _store.GetAsync(operationId, cancellationToken);
            if (stored is null)
            {
                yield break;
            }

            if (stored.State.IsTerminal())
            {
                yield return new OperationEvent(sequence + 1, stored.State, stored, null, stored.Summarize(_timeProvider.GetUtcNow()));
                yield break;
            }

            // Not running here (another orchestrator runs it, or this one stopped it and none has resumed it yet): follow
            // the durable record until it ends, switching to the live view if this orchestrator takes it over.
            foreach (var change in OperationChanges.Between(seen, stored, sequence + 1, _timeProvider.GetUtcNow()))
            {
                sequence = change.Sequence;
                yield return change;
            }

            seen = stored;
            await Task.Delay(_options.WatchPollInterval, _timeProvider, cancellationToken);
            _live.TryGetValue(operationId, out live);
        }
    }

    private static string NewOperationId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>Derived from the caller's request id when there is one (a replay after a lost store then reaches the
    /// agents with the same request ids), else random.</summary>
    private static string OperationIdFor(OperationKind kind, string retryOf, string callerRequestId) =>
        callerRequestId.Length > 0 ? RequestIds.ForOperation(kind, retryOf, callerRequestId) : NewOperationId();

    [LoggerMessage(EventId = 210, EventName = "OperationStarted", Level = LogLevel.Information,
        Message = "Operation {OperationId} ({Kind}) started; retry of '{RetryOf}'")]
    private static partial void LogStarted(ILogger logger, string operationId, OperationKind kind, string retryOf);

    [LoggerMessage(EventId = 211, EventName = "OperationResuming", Level = LogLevel.Information,
        Message = "Resuming operation {OperationId} ({State}) with {OpenTasks} unfinished tasks")]
    private static partial void LogResuming(ILogger logger, string operationId, OperationState state, int openTasks);

    [LoggerMessage(EventId = 212, EventName = "OperationCancelling", Level = LogLevel.Information,
        Message = "Cancelling operation {OperationId}")]
    private static partial void LogCancelling(ILogger logger, string operationId);

    [LoggerMessage(EventId = 213, EventName = "OperationStopped", Level = LogLevel.Information,
        Message = "Operation {OperationId} stopped where it stands (shutdown or lease lost); it will be resumed")]
    private static partial void LogStopped(ILogger logger, string operationId);

    [LoggerMessage(EventId = 214, EventName = "OperationRunFailed", Level = LogLevel.Error,
        Message = "Operation {OperationId} failed in the orchestrator")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, string operationId);

    [LoggerMessage(EventId = 215, EventName = "LeaseLost", Level = LogLevel.Warning,
        Message = "Lost the lease on operation {OperationId}; another orchestrator runs it now")]
    private static partial void LogLeaseLost(ILogger logger, string operationId);

    [LoggerMessage(EventId = 216, EventName = "LeasesOfGoneOwnerFreed", Level = LogLevel.Information,
        Message = "Freed the leases of {Count} operations whose orchestrator on this machine is gone; resuming them now.")]
    private static partial void LogLeasesFreed(ILogger logger, int count);
}
