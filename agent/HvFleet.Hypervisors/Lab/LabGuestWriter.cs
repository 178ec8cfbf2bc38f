using Microsoft.Extensions.Logging;

namespace HvFleet.Hypervisors.Lab;

/// <summary>
/// Simulated guest I/O: on every tick of a <see cref="PeriodicTimer"/> (driven by the injected
/// <see cref="TimeProvider"/>), each running VM writes one block of fresh random bytes at a
/// random offset of each of its disks, holding the VM's disk lock so that a snapshot never sees
/// half a write. Stops on dispose.
/// </summary>
internal sealed partial class LabGuestWriter : IAsyncDisposable
{
    private readonly Func<CancellationToken, Task<IReadOnlyList<LabGuestDisks>>> _runningVms;
    private readonly LabDiskLocks _locks;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _interval;
    private readonly int _blockSize;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(long Target, TaskCompletionSource Signal)> _waiters = [];
    private Task? _loop;
    private long _writes;

    public LabGuestWriter(
        Func<CancellationToken, Task<IReadOnlyList<LabGuestDisks>>> runningVms,
        LabDiskLocks locks,
        TimeProvider timeProvider,
        TimeSpan interval,
        int blockSize,
        ILogger logger)
    {
        _runningVms = runningVms;
        _locks = locks;
        _timeProvider = timeProvider;
        _interval = interval;
        _blockSize = blockSize;
        _logger = logger;
    }

    /// <summary>Guest writes done so far (one per disk per tick).</summary>
    public long Writes => Interlocked.Read(ref _writes);

    public void Start()
    {
        _loop ??= Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Completes once at least <paramref name="count"/> guest writes have been done.</summary>
    public Task WaitForWritesAsync(long count, CancellationToken cancellationToken)
    {
        lock (_waiters)
        {
            if (Writes >= count)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, signal));
            return signal.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>One round of writes: every running VM, every disk.</summary>
    public async Task<int> WriteOnceAsync(CancellationToken cancellationToken)
    {
        var vms = await _runningVms(cancellationToken);
        byte[] block = new byte[_blockSize];
        int done = 0;
        foreach (var vm in vms)
        {
            using (await _locks.AcquireAsync([vm.VmId], cancellationToken))
            {
                foreach (string disk in vm.DiskPaths)
                {
                    using var handle = File.OpenHandle(disk, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
                    long length = RandomAccess.GetLength(handle);
                    long blocks = Math.Max(1, length / _blockSize);
                    long offset = Random.Shared.NextInt64(blocks) * _blockSize;
                    int size = (int)Math.Min(_blockSize, length - offset);
                    Random.Shared.NextBytes(block.AsSpan(0, size));
                    RandomAccess.Write(handle, block.AsSpan(0, size), offset);
                    done++;
                    Signal(Interlocked.Increment(ref _writes));
                }
            }
        }

        return done;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_interval, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await WriteOnceAsync(cancellationToken);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    LogGuestWriteFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private void Signal(long writes)
    {
        lock (_waiters)
        {
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Target <= writes)
                {
                    _waiters[i].Signal.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    [LoggerMessage(EventId = 1050, EventName = "LabGuestWriteFailed", Level = LogLevel.Warning, Message = "Simulated guest write failed; retrying on the next tick")]
    private static partial void LogGuestWriteFailed(ILogger logger, Exception exception);
}
