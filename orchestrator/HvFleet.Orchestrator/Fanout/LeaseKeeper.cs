using HvFleet.Orchestrator.Progress;
using HvFleet.Orchestrator.Store;
using Microsoft.Extensions.Logging;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>The lease that makes one orchestrator the runner of an operation: claimed for
/// <see cref="OrchestratorOptions.LeaseDuration"/>, renewed every third of it while the operation runs, and, between
/// renewals, a cheap read of the stored state alone for a cancel sent to another orchestrator
/// (<see cref="CancelRequestPoller"/>, every <see cref="OrchestratorOptions.CancelPollInterval"/>).</summary>
internal sealed partial class LeaseKeeper(
    IOperationStore store,
    CancelRequestPoller cancelPoller,
    TimeProvider timeProvider,
    OrchestratorOptions options,
    ILogger<LeaseKeeper> logger)
{
    /// <summary>Claims (or renews) the lease for <paramref name="owner"/>; false when another orchestrator holds it.</summary>
    public Task<bool> TryAcquireAsync(string operationId, string owner, CancellationToken cancellationToken) =>
        store.TryAcquireLeaseAsync(operationId, owner, timeProvider.GetUtcNow() + options.LeaseDuration, cancellationToken);

    /// <summary>Until <paramref name="cancellationToken"/> fires (the run ended): renews the lease, and stops the run
    /// through <paramref name="stop"/> if another orchestrator took it; cancels the run when a cancel arrives elsewhere.</summary>
    public Task KeepAsync(LiveOperation live, string owner, CancellationTokenSource stop, CancellationToken cancellationToken) =>
        Task.WhenAll(RenewAsync(live, owner, stop, cancellationToken), cancelPoller.RunAsync(live, cancellationToken));

    private async Task RenewAsync(LiveOperation live, string owner, CancellationTokenSource stop, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.LeaseDuration / 3, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (!await TryAcquireAsync(live.Id, owner, cancellationToken))
                {
                    LogLeaseLost(logger, live.Id);
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

    [LoggerMessage(EventId = 215, EventName = "LeaseLost", Level = LogLevel.Warning,
        Message = "Lost the lease on operation {OperationId}; another orchestrator runs it now")]
    private static partial void LogLeaseLost(ILogger logger, string operationId);
}
