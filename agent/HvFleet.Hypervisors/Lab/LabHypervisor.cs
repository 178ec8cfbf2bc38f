using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HvFleet.Hypervisors.Lab;

/// <summary>
/// A file-backed Hyper-V model: VMs with disk files, VM groups, snapshots and exports in one
/// directory, with Hyper-V's rules and return codes. It does real I/O (snapshots copy or reflink
/// the disks under the VMs' locks; exports write the Hyper-V export layout plus a SHA-256
/// manifest), reports progress from bytes actually moved, and keeps running VMs writing to their
/// disks so that tests can prove a snapshot holds the moment it was taken.
/// </summary>
public sealed partial class LabHypervisor : IHypervisor, IAsyncDisposable, IDisposable
{
    /// <summary>Capabilities reported by <see cref="GetInfoAsync"/>.</summary>
    public static readonly IReadOnlyList<string> Capabilities =
    [
        "snapshot.collection",
        "snapshot.vm",
        "snapshot.standard",
        "snapshot.recovery",
        "export",
        "export.differential",
        "export.runtime-state",
        "delete",
    ];

    private const int MaxNameLength = 100;
    private const int RuntimeStateSizeBytes = 64 * 1024;

    private readonly LabHypervisorOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<LabHypervisor> _logger;
    private readonly LabPaths _paths;
    private readonly LabFileCopier _copier;
    private readonly LabFaultInjector _faults;
    private readonly LabSnapshotUses _uses = new();
    private readonly LabDiskLocks _diskLocks = new();

    // Guards _state and every write of the state file; held briefly, never across disk copies.
    private readonly SemaphoreSlim _stateLock = new(1, 1);
    private readonly CancellationTokenSource _disposing = new();
    private readonly object _initGate = new();
    private Task? _initialization;
    private LabHostState _state = new();
    private LabGuestWriter? _guestWriter;
    private int _disposed;

    /// <summary>Creates a lab hypervisor over <see cref="LabHypervisorOptions.Directory"/>; the host is loaded (or seeded) on first use.</summary>
    public LabHypervisor(IOptions<LabHypervisorOptions> options, TimeProvider timeProvider, ILogger<LabHypervisor> logger)
    {
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _paths = new LabPaths(_options.Directory);
        _copier = new LabFileCopier(_options.CopyMethod, _options.CopyBufferSize);
        _faults = new LabFaultInjector(_options, timeProvider);
    }

    /// <summary>The lab directory.</summary>
    public string Directory => _paths.Root;

    internal LabPaths Paths => _paths;

    internal LabSnapshotUses SnapshotUses => _uses;

    internal LabGuestWriter? GuestWriter => _guestWriter;

    /// <inheritdoc />
    public async Task<HypervisorInfo> GetInfoAsync(CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        string version = typeof(LabHypervisor).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(LabHypervisor).Assembly.GetName().Version?.ToString()
            ?? "0.0.0";
        return new HypervisorInfo(HypervisorKind.Lab, version, Capabilities);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<VirtualMachineInfo>> ListVirtualMachinesAsync(CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        return await ReadAsync(state => (IReadOnlyList<VirtualMachineInfo>)state.Vms
            .Select(vm => new VirtualMachineInfo(
                vm.Id,
                vm.Name,
                vm.State,
                state.Collections.Where(c => c.MemberVmIds.Contains(vm.Id, StringComparer.OrdinalIgnoreCase)).Select(c => c.Id).ToArray(),
                EnabledStateOf(vm.State)))
            .ToArray(), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<VmCollectionInfo>> ListCollectionsAsync(CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        return await ReadAsync(state => (IReadOnlyList<VmCollectionInfo>)state.Collections
            .Select(c => new VmCollectionInfo(c.Id, c.Name, c.Kind, c.MemberVmIds.ToArray()))
            .ToArray(), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SnapshotInfo>> ListSnapshotsAsync(SnapshotFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await EnsureInitializedAsync(cancellationToken);
        return await ReadAsync(state => (IReadOnlyList<SnapshotInfo>)state.Snapshots
            .Where(s => filter.CollectionId is null || string.Equals(s.CollectionId, filter.CollectionId, StringComparison.OrdinalIgnoreCase))
            .Where(s => filter.VmId is null || s.Members.Any(m => string.Equals(m.VmId, filter.VmId, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(s => s.CreatedAt)
            .Select(ToInfo)
            .ToArray(), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>The lab keeps no backend jobs across restarts.</remarks>
    public Task<OperationResult?> ResumeAsync(BackendJobReference backendJob, IOperationObserver observer, CancellationToken cancellationToken) =>
        Task.FromResult<OperationResult?>(null);

    /// <summary>Sets a VM's state (for example <see cref="VmState.Busy"/>, to exercise "invalid state"); persisted.</summary>
    public async Task SetVirtualMachineStateAsync(string vmId, VmState state, CancellationToken cancellationToken)
    {
        if (!Enum.IsDefined(state))
        {
            throw HypervisorException.InvalidParameter($"VM state {(int)state} is not a known state.", HyperVCodeFamily.Msvm);
        }

        await EnsureInitializedAsync(cancellationToken);
        await MutateAsync(s =>
        {
            var vm = FindVm(s, vmId) ?? throw HypervisorException.NotFound($"Virtual machine '{vmId}' was not found.");
            vm.State = state;
        }, cancellationToken);
    }

    /// <summary>Defines a new VM group (Msvm_CollectionManagementService.DefineCollection) with the given members.</summary>
    public async Task<string> CreateCollectionAsync(string name, IReadOnlyList<string> memberVmIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(memberVmIds);
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength)
        {
            throw HypervisorException.InvalidParameter($"VM group name must be 1 to {MaxNameLength} characters (got {name?.Length ?? 0}).", HyperVCodeFamily.Msvm);
        }

        await EnsureInitializedAsync(cancellationToken);
        string id = Guid.NewGuid().ToString("D").ToUpperInvariant();
        await MutateAsync(s =>
        {
            foreach (string vmId in memberVmIds)
            {
                _ = FindVm(s, vmId) ?? throw HypervisorException.NotFound($"Virtual machine '{vmId}' was not found.");
            }

            s.Collections.Add(new LabCollectionRecord { Id = id, Name = name, Kind = CollectionKind.VmCollection, MemberVmIds = memberVmIds.ToList() });
        }, cancellationToken);
        return id;
    }

    /// <summary>Makes the next <paramref name="count"/> operations (of one kind, or of any kind) fail with the configured code.</summary>
    public void FailNext(int count, BackendOperationKind? operation = null) => _faults.FailNext(count, operation);

    /// <summary>Starts the lab now (load or seed the host, start guest I/O) instead of on first use.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => EnsureInitializedAsync(cancellationToken);

    /// <summary>A deep copy of the current state (tests and diagnostics).</summary>
    internal async Task<LabHostState> ReadStateAsync(CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        return await ReadAsync(
            state => JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(state, LabJsonContext.Default.LabHostState), LabJsonContext.Default.LabHostState)!,
            cancellationToken);
    }

    /// <inheritdoc />
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

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
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

    private async Task<T> ReadAsync<T>(Func<LabHostState, T> read, CancellationToken cancellationToken)
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
    private async Task<T> MutateAsync<T>(Func<LabHostState, T> mutate, CancellationToken cancellationToken)
    {
        await _stateLock.WaitAsync(cancellationToken);
        try
        {
            var copy = JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(_state, LabJsonContext.Default.LabHostState), LabJsonContext.Default.LabHostState)!;
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

    private async Task MutateAsync(Action<LabHostState> mutate, CancellationToken cancellationToken) =>
        await MutateAsync<bool>(s =>
        {
            mutate(s);
            return true;
        }, cancellationToken);

    private static LabVmRecord? FindVm(LabHostState state, string vmId) =>
        state.Vms.FirstOrDefault(v => string.Equals(v.Id, vmId, StringComparison.OrdinalIgnoreCase));

    private static LabSnapshotRecord? FindSnapshot(LabHostState state, string snapshotId) =>
        state.Snapshots.FirstOrDefault(s => string.Equals(s.Id, snapshotId, StringComparison.OrdinalIgnoreCase));

    private static SnapshotInfo ToInfo(LabSnapshotRecord s) =>
        new(s.Id, s.Name, s.Kind, s.Scope, s.CreatedAt, s.CollectionId, s.Members.Select(m => new VmSnapshotInfo(m.VmId, m.VmName, m.SnapshotId)).ToArray(),
            s.OriginJobId is null && s.OriginRequestId is null ? null : new SnapshotOrigin(s.OriginJobId, s.OriginRequestId));

    /// <summary>Hyper-V EnabledState for a lab VM state (reference hyperv-wmi.md §4.4).</summary>
    internal static uint EnabledStateOf(VmState state) => state switch
    {
        VmState.Running => 2,
        VmState.Off => 3,
        VmState.Stopping => 4,
        VmState.Saved => 6,
        VmState.Paused => 9,
        VmState.Starting => 10,
        VmState.Saving => 32773,
        _ => 1,
    };
}
