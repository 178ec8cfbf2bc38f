using HvFleet.Orchestrator.Fanout;
using HvFleet.Orchestrator.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HvFleet.Orchestrator.Hosting;

/// <summary>Resumes unfinished operations at start, then keeps looking for ones whose owner's lease expired
/// (a crashed orchestrator, or another one sharing a PostgreSQL store). Stops the engine's runs on shutdown.</summary>
internal sealed class OperationResumeService(FleetEngine engine, IOptions<OrchestratorOptions> options, TimeProvider timeProvider,
    IOperationStore store, OrchestratorFatalErrors fatal)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await engine.ResumeUnfinishedAsync(stoppingToken);
            using var timer = new PeriodicTimer(options.Value.ResumeInterval, timeProvider);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await engine.ResumeUnfinishedAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (Exception ex) when (OperationStoreErrors.Describe(ex, store) is { } failure)
        {
            // Without its store the orchestrator can neither resume nor record anything: stop with the cause (exit 1).
            fatal.Report(failure.Message);
            throw;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await engine.DisposeAsync();
    }
}
