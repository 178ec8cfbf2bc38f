namespace HvFleet.Hypervisors.Lab;

/// <summary>
/// One lock per VM guarding its live disks: the simulated guest writer takes it for each write,
/// a snapshot takes the locks of all its VMs together (in id order, so two snapshots of
/// overlapping VM sets cannot deadlock) and captures every disk at one moment.
/// </summary>
internal sealed class LabDiskLocks
{
    private readonly Dictionary<string, SemaphoreSlim> _locks = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Takes the locks of all <paramref name="vmIds"/>; dispose the result to release them.</summary>
    public async Task<IDisposable> AcquireAsync(IEnumerable<string> vmIds, CancellationToken cancellationToken)
    {
        var ordered = vmIds.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToArray();
        var held = new List<SemaphoreSlim>(ordered.Length);
        try
        {
            foreach (string vmId in ordered)
            {
                var gate = Get(vmId);
                await gate.WaitAsync(cancellationToken);
                held.Add(gate);
            }
        }
        catch
        {
            Release(held);
            throw;
        }

        return new Held(held);
    }

    private SemaphoreSlim Get(string vmId)
    {
        lock (_locks)
        {
            if (!_locks.TryGetValue(vmId, out var gate))
            {
                gate = new SemaphoreSlim(1, 1);
                _locks[vmId] = gate;
            }

            return gate;
        }
    }

    private static void Release(List<SemaphoreSlim> held)
    {
        for (int i = held.Count - 1; i >= 0; i--)
        {
            held[i].Release();
        }
    }

    private sealed class Held(List<SemaphoreSlim> held) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Release(held);
            }
        }
    }
}
