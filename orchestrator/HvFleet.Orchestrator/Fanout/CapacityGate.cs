using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Policy;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>The three caps, checked together so a task starts only when all admit it (acquiring them one by one
/// could deadlock). Used by one coordinator loop only: not thread-safe by design.</summary>
internal sealed class CapacityGate(FleetPolicy policy)
{
    private readonly Dictionary<string, int> _perHost = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _perStorage = new(StringComparer.Ordinal);
    private int _hostsInFlight;

    public int HostsInFlight => _hostsInFlight;

    public bool TryAcquire(FleetTask task)
    {
        _perHost.TryGetValue(task.HostName, out int onHost);
        if (onHost >= policy.MaxJobsPerHost)
        {
            return false;
        }

        if (onHost == 0 && policy.MaxHostsInFlight > 0 && _hostsInFlight >= policy.MaxHostsInFlight)
        {
            return false;
        }

        int onStorage = 0;
        bool storageCapped = policy.MaxPerStorageKey > 0 && task.StorageKey.Length > 0;
        if (storageCapped && _perStorage.TryGetValue(task.StorageKey, out onStorage) && onStorage >= policy.MaxPerStorageKey)
        {
            return false;
        }

        _perHost[task.HostName] = onHost + 1;
        if (onHost == 0)
        {
            _hostsInFlight++;
        }

        if (storageCapped)
        {
            _perStorage[task.StorageKey] = onStorage + 1;
        }

        return true;
    }

    public void Release(FleetTask task)
    {
        int onHost = _perHost[task.HostName] - 1;
        if (onHost == 0)
        {
            _perHost.Remove(task.HostName);
            _hostsInFlight--;
        }
        else
        {
            _perHost[task.HostName] = onHost;
        }

        if (policy.MaxPerStorageKey > 0 && task.StorageKey.Length > 0)
        {
            _perStorage[task.StorageKey]--;
        }
    }
}
