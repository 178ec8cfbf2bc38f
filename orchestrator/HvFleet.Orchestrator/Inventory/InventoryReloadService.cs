using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HvFleet.Orchestrator.Inventory;

/// <summary>Loads the inventory at start (a bad file stops the start with the list of errors), then polls it.</summary>
internal sealed class InventoryReloadService(FileFleetInventory inventory, IOptions<InventoryOptions> options, TimeProvider timeProvider)
    : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await inventory.ReloadAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.ReloadInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await inventory.ReloadIfChangedAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutting down.
        }
    }
}
