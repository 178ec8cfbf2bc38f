namespace HvFleet.Hypervisors.Lab.Snapshots;

/// <summary>
/// Counts the running operations that read a snapshot (an export of it, or an export using it as
/// differential base). A snapshot in use cannot be deleted (32774). Callers take and check uses
/// under the lab's state lock, so "check then delete" cannot race with "find then use".
/// </summary>
internal sealed class LabSnapshotUses
{
    private readonly Dictionary<string, int> _uses = new(StringComparer.OrdinalIgnoreCase);

    public bool IsInUse(string snapshotId)
    {
        lock (_uses)
        {
            return _uses.ContainsKey(snapshotId);
        }
    }

    /// <summary>Marks a snapshot in use until the returned handle is disposed.</summary>
    public IDisposable Acquire(string snapshotId)
    {
        lock (_uses)
        {
            _uses[snapshotId] = _uses.GetValueOrDefault(snapshotId) + 1;
        }

        return new Use(this, snapshotId);
    }

    private void Release(string snapshotId)
    {
        lock (_uses)
        {
            if (_uses.TryGetValue(snapshotId, out int count))
            {
                if (count <= 1)
                {
                    _uses.Remove(snapshotId);
                }
                else
                {
                    _uses[snapshotId] = count - 1;
                }
            }
        }
    }

    private sealed class Use(LabSnapshotUses owner, string snapshotId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(snapshotId);
            }
        }
    }
}
