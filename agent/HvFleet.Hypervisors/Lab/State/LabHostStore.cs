using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace HvFleet.Hypervisors.Lab.State;

/// <summary>
/// The lab host's state: loaded (or seeded) once on first use, cleaned of what interrupted
/// operations left, read and changed under one lock, and saved on every change. Starts the
/// simulated guest I/O once the host is there.
/// </summary>
internal sealed partial class LabHostStore : IAsyncDisposable
{
    private readonly LabHypervisorOptions _options;
    private readonly LabPaths _paths;
    private readonly LabDiskLocks _diskLocks;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    // Guards _state and every write of the state file; held briefly, never across disk copies.
    private readonly SemaphoreSlim _stateLock = new(1, 1);
    private readonly CancellationTokenSource _disposing = new();
    private readonly object _initGate = new();
    private Task? _initialization;
    private LabHostState _state = new();
    private LabGuestWriter? _guestWriter;
    private int _disposed;

    public LabHostStore(LabHypervisorOptions options, LabPaths paths, LabDiskLocks diskLocks, TimeProvider timeProvider, ILogger logger)
    {
        _options = options;
        _paths = paths;
        _diskLocks = diskLocks;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public LabGuestWriter? GuestWriter => _guestWriter;

    /// <summary>Loads or seeds the host on the first call; later calls wait for that one (a failed start is tried again).</summary>
    public Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, typeof(LabHypervisor));
        Task initialization;
        lock (_initGate)
        {
            if (_initialization is null || _initialization.IsFaulted || _initialization.IsCanceled)
            {
                // Run once for everybody; a caller giving up must not cancel it for the others.
                var stopping = _disposing.Token;
                _initialization = Task.Run(() => InitializeAsync(stopping), stopping);
            }

            initialization = _initialization;
        }

        return initialization.IsCompletedSuccessfully ? Task.CompletedTask : initialization.WaitAsync(cancellationToken);
    }

    public async Task<T> ReadAsync<T>(Func<LabHostState, T> read, CancellationToken cancellationToken)
    {
        await _stateLock.WaitAsync(cancellationToken);
        try
        {
            return read(_state);
        }
        finally
        {
            _stateLock.Release();
        }
    }

    /// <summary>
    /// Applies <paramref name="mutate"/> to a copy of the state and saves it; the in-memory state
    /// changes only once the file is written, so a failed save changes nothing.
    /// </summary>
    public async Task<T> MutateAsync<T>(Func<LabHostState, T> mutate, CancellationToken cancellationToken)
    {
        await _stateLock.WaitAsync(cancellationToken);
        try
        {
            var copy = Copy(_state);
            T result = mutate(copy);
            await LabStateStore.SaveAsync(_paths, copy, CancellationToken.None);
            _state = copy;
            return result;
        }
        finally
        {
            _stateLock.Release();
        }
    }

    public async Task MutateAsync(Action<LabHostState> mutate, CancellationToken cancellationToken) =>
        await MutateAsync<bool>(s =>
        {
            mutate(s);
            return true;
        }, cancellationToken);

    /// <summary>A deep copy of the current state (tests and diagnostics).</summary>
    public async Task<LabHostState> ReadCopyAsync(CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        return await ReadAsync(Copy, cancellationToken);
    }

    public static LabVmRecord? FindVm(LabHostState state, string vmId) =>
        state.Vms.FirstOrDefault(v => string.Equals(v.Id, vmId, StringComparison.OrdinalIgnoreCase));

    public static LabSnapshotRecord? FindSnapshot(LabHostState state, string snapshotId) =>
        state.Snapshots.FirstOrDefault(s => string.Equals(s.Id, snapshotId, StringComparison.OrdinalIgnoreCase));

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _disposing.CancelAsync();
        if (_initialization is not null)
        {
            try
            {
                await _initialization;
            }
            catch
            {
                // Initialization failures were reported to the callers that awaited it.
            }
        }

        if (_guestWriter is not null)
        {
            await _guestWriter.DisposeAsync();
        }

        _disposing.Dispose();
    }

    private static LabHostState Copy(LabHostState state) =>
        JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(state, LabJsonContext.Default.LabHostState), LabJsonContext.Default.LabHostState)!;

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var state = LabHostOpener.Open(_paths, _logger);
        if (state is null)
        {
            string hostName = string.IsNullOrWhiteSpace(_options.HostName) ? Environment.MachineName : _options.HostName;
            state = await LabHostSeeder.SeedFreshAsync(_paths, _options, hostName, _timeProvider.GetUtcNow(), cancellationToken);
            LogSeeded(_logger, _paths.Root, state.Collections.Count, state.Vms.Count, _options.SeedDiskSizeBytes);
        }
        else
        {
            LogLoaded(_logger, _paths.Root, state.Vms.Count, state.Collections.Count, state.Snapshots.Count);
        }

        LabStartupCleanup.Run(_paths, state, _logger);
        _state = state;
        if (_options.GuestIoEnabled)
        {
            _guestWriter = new LabGuestWriter(RunningVmDisksAsync, _diskLocks, _timeProvider, _options.GuestIoInterval, _options.GuestIoBlockSize, _logger);
            _guestWriter.Start();
        }
    }

    private Task<IReadOnlyList<LabGuestDisks>> RunningVmDisksAsync(CancellationToken cancellationToken) =>
        ReadAsync(state => (IReadOnlyList<LabGuestDisks>)state.Vms
            .Where(vm => vm.State == VmState.Running)
            .Select(vm => new LabGuestDisks(vm.Id, vm.Disks.Select(d => _paths.VmDisk(vm.Id, d.FileName)).ToArray()))
            .ToArray(), cancellationToken);
}
