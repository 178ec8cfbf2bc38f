using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Progress;
using HvFleet.Orchestrator.Store;
using Microsoft.Extensions.Logging;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>While this orchestrator runs an operation, polls the store for a cancel that reached another orchestrator
/// (it marks the stored operation Cancelling, <see cref="IOperationStore.RequestCancelAsync"/>) and cancels the run here
/// when it sees one. Polled on the injected clock every <see cref="OrchestratorOptions.CancelPollInterval"/>, so a cancel
/// sent to any orchestrator reaches the runner within that interval.</summary>
internal sealed partial class CancelRequestPoller(IOperationStore store, TimeProvider timeProvider, OrchestratorOptions options, ILogger<CancelRequestPoller> logger)
{
    public async Task RunAsync(LiveOperation live, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.CancelPollInterval, timeProvider);
        try
        {
            while (!live.Cancellation.IsCancellationRequested && await timer.WaitForNextTickAsync(cancellationToken))
            {
                OperationState? stored;
                try
                {
                    stored = await store.GetStateAsync(live.Id, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A store that cannot be read now may be readable at the next tick; the run itself reports store failures.
                    LogPollFailed(logger, ex, live.Id);
                    continue;
                }

                if (stored == OperationState.Cancelling && !live.Cancellation.IsCancellationRequested)
                {
                    LogCancelRequested(logger, live.Id);
                    live.UpdateOperation(o => o.State.IsTerminal() ? o : o with { State = OperationState.Cancelling });
                    await live.Cancellation.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
    }

    [LoggerMessage(EventId = 217, EventName = "CancelRequestedElsewhere", Level = LogLevel.Information,
        Message = "Operation {OperationId} was cancelled through another orchestrator; cancelling it here")]
    private static partial void LogCancelRequested(ILogger logger, string operationId);

    [LoggerMessage(EventId = 218, EventName = "CancelPollFailed", Level = LogLevel.Warning,
        Message = "Could not read operation {OperationId} from the store to look for a cancel; trying again at the next poll")]
    private static partial void LogPollFailed(ILogger logger, Exception exception, string operationId);
}
