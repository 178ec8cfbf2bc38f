using HvFleet.Hypervisors.HyperV.Export;
using HvFleet.Hypervisors.HyperV.Jobs;
using HvFleet.Hypervisors.HyperV.Listing;
using HvFleet.Hypervisors.HyperV.Snapshots;
using HvFleet.Hypervisors.HyperV.Wmi;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HvFleet.Hypervisors.HyperV;

/// <summary>
/// <see cref="IHypervisor"/> over Hyper-V's WMI v2 provider (reference hyperv-wmi.md). Every
/// Hyper-V return value and job ErrorCode reaches the caller unchanged in a <see cref="HypervisorException"/>.
/// </summary>
/// <remarks>
/// A façade over parts with one job each: listing (<see cref="HyperVInventory"/>), checkpoints
/// (<see cref="HyperVSnapshotCreator"/>, <see cref="HyperVSnapshotLabeller"/>, <see cref="HyperVSnapshotDeleter"/>), exports
/// (<see cref="HyperVSnapshotExporter"/>) and jobs (<see cref="HyperVJobFollower"/>,
/// <see cref="HyperVJobResumer"/>), all over one <see cref="IWmiConnection"/>. They are composed
/// here rather than through DI: they share this instance's connection, service-path cache, VM
/// locks and what the host was found to accept, and DI registers this class as the backend.
/// Infrastructure failures (<see cref="WmiException"/>) become <see cref="HypervisorException"/>s here.
/// </remarks>
internal sealed class HyperVHypervisor : IHypervisor
{
    private readonly HyperVOptions _options;
    private readonly HyperVHost _host;
    private readonly HyperVInventory _inventory;
    private readonly HyperVSnapshotCreator _creator;
    private readonly HyperVSnapshotDeleter _deleter;
    private readonly HyperVSnapshotExporter _exporter;
    private readonly HyperVJobResumer _resumer;

    public HyperVHypervisor(IWmiConnectionFactory connectionFactory, IOptions<HyperVOptions> options, TimeProvider time, ILogger<HyperVHypervisor> logger)
    {
        _options = options.Value;
        var connection = new LazyWmiConnection(connectionFactory);
        var jobs = new HyperVJobFollower(connection, _options, time, logger);
        var locks = new KeyedLocks();
        _host = new HyperVHost(connection);
        _inventory = new HyperVInventory(_host);
        _creator = new HyperVSnapshotCreator(_host, jobs, locks, new HyperVSnapshotLabeller(_host, jobs, logger), logger);
        _deleter = new HyperVSnapshotDeleter(_host, jobs, locks);
        _exporter = new HyperVSnapshotExporter(_host, jobs, _options);
        _resumer = new HyperVJobResumer(jobs, _creator, _exporter, logger);
    }

    /// <summary>What group snapshots' SnapshotSettings the host was found to accept (for tests and diagnostics).</summary>
    internal CollectionSettingsMode LearntCollectionSettingsMode => _creator.LearntCollectionSettingsMode;

    public Task<HypervisorInfo> GetInfoAsync(CancellationToken cancellationToken) => Guard(() =>
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Same names as the lab backend; VM groups need Windows 10 / Server 2016 (reference §6.1).
        var capabilities = new List<string> { "snapshot.vm", "snapshot.standard", "snapshot.recovery", "export", "export.differential", "export.runtime-state", "delete", "job.resume" };
        if (_host.QueryOptional("SELECT * FROM " + HyperVNames.CollectionSnapshotService).Count > 0)
        {
            capabilities.Insert(0, "snapshot.collection");
        }

        var version = typeof(HyperVHypervisor).Assembly.GetName().Version?.ToString() ?? "0.0.0";
        return new HypervisorInfo(HypervisorKind.HyperV, $"{version} (wmi {_options.NamespacePath})", capabilities);
    });

    public Task<IReadOnlyList<VirtualMachineInfo>> ListVirtualMachinesAsync(CancellationToken cancellationToken) =>
        Guard(() => _inventory.ListVirtualMachines(cancellationToken));

    public Task<IReadOnlyList<VmCollectionInfo>> ListCollectionsAsync(CancellationToken cancellationToken) =>
        Guard(() => _inventory.ListCollections(cancellationToken));

    public Task<IReadOnlyList<SnapshotInfo>> ListSnapshotsAsync(SnapshotFilter filter, CancellationToken cancellationToken) =>
        Guard(() => _inventory.ListSnapshots(filter, cancellationToken));

    public Task<OperationResult> CreateSnapshotAsync(SnapshotRequest request, IOperationObserver observer, CancellationToken cancellationToken) =>
        GuardAsync(() => _creator.CreateSnapshotAsync(request, observer, cancellationToken));

    public Task<OperationResult> ExportSnapshotAsync(ExportRequest request, IOperationObserver observer, CancellationToken cancellationToken) =>
        GuardAsync(() => _exporter.ExportSnapshotAsync(request, observer, cancellationToken));

    public Task<OperationResult> DeleteSnapshotAsync(string snapshotId, IOperationObserver observer, CancellationToken cancellationToken) =>
        GuardAsync(() => _deleter.DeleteSnapshotAsync(snapshotId, observer, cancellationToken));

    public Task<OperationResult?> ResumeAsync(BackendJobReference backendJob, IOperationObserver observer, CancellationToken cancellationToken) =>
        GuardAsync(() => _resumer.ResumeAsync(backendJob, observer, cancellationToken));

    internal static HypervisorException Translate(WmiException ex) => ex.Kind switch
    {
        WmiErrorKind.AccessDenied => new HypervisorException(HypervisorErrorKind.AccessDenied, HyperVCodes.MsvmAccessDenied, HyperVCodeFamily.Agent, ex.Message, ex),
        WmiErrorKind.InvalidNamespace or WmiErrorKind.InvalidClass => new HypervisorException(
            HypervisorErrorKind.NotSupported,
            HyperVCodes.MsvmNotSupported,
            HyperVCodeFamily.Agent,
            "The Hyper-V WMI provider lacks what this needs (is Hyper-V installed, Windows 10 / Server 2016 or later?): " + ex.Message,
            ex),
        _ => new HypervisorException(HypervisorErrorKind.Failed, HyperVCodes.MsvmFailed, HyperVCodeFamily.Agent, "WMI call failed: " + ex.Message, ex),
    };

    /// <summary>Runs a WMI-using body, translating infrastructure failures into <see cref="HypervisorException"/>.</summary>
    private static Task<T> Guard<T>(Func<T> body)
    {
        try
        {
            return Task.FromResult(body());
        }
        catch (WmiException ex)
        {
            return Task.FromException<T>(Translate(ex));
        }
    }

    private static async Task<T> GuardAsync<T>(Func<Task<T>> body)
    {
        try
        {
            return await body();
        }
        catch (WmiException ex)
        {
            throw Translate(ex);
        }
    }
}
