using HvFleet.Orchestrator.Store;
using Microsoft.Extensions.Hosting;

namespace HvFleet.Orchestrator.Hosting;

/// <summary>Creates or migrates the operation store's schema once, as the host starts: in
/// <see cref="IHostedLifecycleService.StartingAsync"/>, which runs before any hosted service starts (the Fleet API's
/// server, the resume of unfinished operations), so nothing reaches the store before it is ready. A store that cannot
/// be used (damaged file, full volume) is reported as fatal with its cause and stops the start.</summary>
internal sealed class OperationStoreInitializer(IOperationStore store, OrchestratorFatalErrors fatal) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.InitializeAsync(cancellationToken);
        }
        catch (Exception ex) when (OperationStoreErrors.Describe(ex, store) is { } failure)
        {
            fatal.Report(failure.Message);
            throw;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
