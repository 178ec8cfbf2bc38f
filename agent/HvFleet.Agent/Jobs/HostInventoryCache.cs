using HvFleet.Hypervisors;
using Microsoft.Extensions.Options;

namespace HvFleet.Agent.Jobs;

/// <summary>
/// The host's VMs and VM groups for checking request targets, listed at most once per
/// <see cref="JobOptions.InventoryCacheTtl"/> on the injected clock rather than for every request
/// (on Hyper-V a listing is a WMI query). <see cref="Invalidate"/> drops it (a snapshot or delete
/// job ended). Thread-safe; a listing that fails is not kept.
/// </summary>
internal sealed class HostInventoryCache(IHypervisor hypervisor, IOptions<JobOptions> options, TimeProvider time)
{
    private readonly TimeSpan _ttl = options.Value.InventoryCacheTtl;
    private readonly Lock _gate = new();
    private HostInventory? _current;
    private DateTimeOffset _listedAt;
    private long _generation;

    /// <summary>The cached inventory while it is fresh, else a new listing.</summary>
    public async Task<HostInventory> GetAsync(CancellationToken cancellationToken)
    {
        long generation;
        lock (_gate)
        {
            if (_current is { } fresh && time.GetUtcNow() - _listedAt < _ttl)
            {
                return fresh;
            }

            generation = _generation;
        }

        var listedAt = time.GetUtcNow();
        var vms = await hypervisor.ListVirtualMachinesAsync(cancellationToken);
        var collections = await hypervisor.ListCollectionsAsync(cancellationToken);
        var inventory = new HostInventory(vms, collections);
        lock (_gate)
        {
            // A listing begun before an invalidation may predate the change that caused it: used once, not kept.
            if (generation == _generation)
            {
                _current = inventory;
                _listedAt = listedAt;
            }
        }

        return inventory;
    }

    /// <summary>Drops the cached inventory: the next request lists the host again.</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            _current = null;
            _generation++;
        }
    }
}
