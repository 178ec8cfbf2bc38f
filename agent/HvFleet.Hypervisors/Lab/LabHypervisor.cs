using System.Reflection;
using HvFleet.Hypervisors.Lab.Export;
using HvFleet.Hypervisors.Lab.Snapshots;
using HvFleet.Hypervisors.Lab.State;
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
/// <remarks>
/// A façade over parts with one job each: the host's state (<see cref="LabHostStore"/>,
/// <see cref="LabInventory"/>), checkpoints (<see cref="LabSnapshotCreator"/>,
/// <see cref="LabSnapshotDeleter"/>) and exports (<see cref="LabSnapshotExporter"/>). They are
/// composed here rather than through DI: they share this instance's state lock, disk locks and
/// snapshot uses, and tests and benchmarks create several labs side by side.
/// </remarks>
public sealed class LabHypervisor : IHypervisor, IAsyncDisposable, IDisposable
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

    /// <summary>Hyper-V's limit on VM group and checkpoint names.</summary>
    internal const int MaxNameLength = 100;

    private readonly LabPaths _paths;
    private readonly LabFaultInjector _faults;
    private readonly LabSnapshotUses _uses = new();
    private readonly LabHostStore _store;
    private readonly LabInventory _inventory;
    private readonly LabSnapshotCreator _creator;
    private readonly LabSnapshotDeleter _deleter;
    private readonly LabSnapshotExporter _exporter;

    /// <summary>Creates a lab hypervisor over <see cref="LabHypervisorOptions.Directory"/>; the host is loaded (or seeded) on first use.</summary>
    public LabHypervisor(IOptions<LabHypervisorOptions> options, TimeProvider timeProvider, ILogger<LabHypervisor> logger)
    {
        var labOptions = options.Value;
        _paths = new LabPaths(labOptions.Directory);
        _faults = new LabFaultInjector(labOptions, timeProvider);
        var copier = new LabFileCopier(labOptions.CopyMethod, labOptions.CopyBufferSize);
        var diskLocks = new LabDiskLocks();
        _store = new LabHostStore(labOptions, _paths, diskLocks, timeProvider, logger);
        _inventory = new LabInventory(_store);
        _creator = new LabSnapshotCreator(_store, _paths, copier, diskLocks, _faults, timeProvider, logger);
        _deleter = new LabSnapshotDeleter(_store, _paths, _uses, _faults, logger);
        _exporter = new LabSnapshotExporter(_store, _uses, _faults, new LabExportWriter(_paths, copier, timeProvider, logger), logger);
    }

    /// <summary>The lab directory.</summary>
    public string Directory => _paths.Root;

    internal LabPaths Paths => _paths;

    internal LabSnapshotUses SnapshotUses => _uses;

    internal LabGuestWriter? GuestWriter => _store.GuestWriter;

    /// <inheritdoc />
    public async Task<HypervisorInfo> GetInfoAsync(CancellationToken cancellationToken)
    {
        await _store.EnsureInitializedAsync(cancellationToken);
        string version = typeof(LabHypervisor).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(LabHypervisor).Assembly.GetName().Version?.ToString()
            ?? "0.0.0";
        return new HypervisorInfo(HypervisorKind.Lab, version, Capabilities);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<VirtualMachineInfo>> ListVirtualMachinesAsync(CancellationToken cancellationToken) =>
        _inventory.ListVirtualMachinesAsync(cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<VmCollectionInfo>> ListCollectionsAsync(CancellationToken cancellationToken) =>
        _inventory.ListCollectionsAsync(cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<SnapshotInfo>> ListSnapshotsAsync(SnapshotFilter filter, CancellationToken cancellationToken) =>
        _inventory.ListSnapshotsAsync(filter, cancellationToken);

    /// <inheritdoc cref="LabSnapshotCreator.CreateSnapshotAsync"/>
    public Task<OperationResult> CreateSnapshotAsync(SnapshotRequest request, IOperationObserver observer, CancellationToken cancellationToken) =>
        _creator.CreateSnapshotAsync(request, observer, cancellationToken);

    /// <inheritdoc cref="LabSnapshotExporter.ExportSnapshotAsync"/>
    public Task<OperationResult> ExportSnapshotAsync(ExportRequest request, IOperationObserver observer, CancellationToken cancellationToken) =>
        _exporter.ExportSnapshotAsync(request, observer, cancellationToken);

    /// <inheritdoc cref="LabSnapshotDeleter.DeleteSnapshotAsync"/>
    public Task<OperationResult> DeleteSnapshotAsync(string snapshotId, IOperationObserver observer, CancellationToken cancellationToken) =>
        _deleter.DeleteSnapshotAsync(snapshotId, observer, cancellationToken);

    /// <inheritdoc />
    /// <remarks>The lab keeps no backend jobs across restarts.</remarks>
    public Task<OperationResult?> ResumeAsync(BackendJobReference backendJob, IOperationObserver observer, CancellationToken cancellationToken) =>
        Task.FromResult<OperationResult?>(null);

    /// <summary>Sets a VM's state (for example <see cref="VmState.Busy"/>, to exercise "invalid state"); persisted.</summary>
    public Task SetVirtualMachineStateAsync(string vmId, VmState state, CancellationToken cancellationToken) =>
        _inventory.SetVirtualMachineStateAsync(vmId, state, cancellationToken);

    /// <summary>Defines a new VM group (Msvm_CollectionManagementService.DefineCollection) with the given members.</summary>
    public Task<string> CreateCollectionAsync(string name, IReadOnlyList<string> memberVmIds, CancellationToken cancellationToken) =>
        _inventory.CreateCollectionAsync(name, memberVmIds, cancellationToken);

    /// <summary>Makes the next <paramref name="count"/> operations (of one kind, or of any kind) fail with the configured code.</summary>
    public void FailNext(int count, BackendOperationKind? operation = null) => _faults.FailNext(count, operation);

    /// <summary>Starts the lab now (load or seed the host, start guest I/O) instead of on first use.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => _store.EnsureInitializedAsync(cancellationToken);

    /// <summary>A deep copy of the current state (tests and diagnostics).</summary>
    internal Task<LabHostState> ReadStateAsync(CancellationToken cancellationToken) => _store.ReadCopyAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _store.DisposeAsync();

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
