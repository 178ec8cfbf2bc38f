using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HvFleet.Orchestrator.Inventory;

/// <summary>The inventory from a YAML or JSON file. <see cref="ReloadIfChangedAsync"/> (polled by
/// <see cref="InventoryReloadService"/>) reloads when the file's timestamp or size changed.</summary>
internal sealed partial class FileFleetInventory : IFleetInventory, IDisposable
{
    private readonly InventoryOptions _options;
    private readonly ILogger<FileFleetInventory> _logger;
    private readonly SemaphoreSlim _reloadLock = new(1, 1);
    private volatile IReadOnlyList<FleetHost> _hosts = [];
    private long _version;
    private (DateTime Modified, long Length) _stamp;

    public FileFleetInventory(IOptions<InventoryOptions> options, ILogger<FileFleetInventory> logger)
    {
        _options = options.Value;
        _logger = logger;
    }

    public IReadOnlyList<FleetHost> Hosts => _hosts;

    public long Version => Interlocked.Read(ref _version);

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await _reloadLock.WaitAsync(cancellationToken);
        try
        {
            var stamp = Stamp();
            var hosts = await InventoryParser.LoadFileAsync(_options.Path, cancellationToken);
            _hosts = hosts;
            _stamp = stamp;
            long version = Interlocked.Increment(ref _version);
            LogLoaded(_logger, _options.Path, hosts.Count, version);
        }
        catch (InventoryException ex)
        {
            LogInvalid(_logger, _options.Path, ex.Message);
            throw;
        }
        finally
        {
            _reloadLock.Release();
        }
    }

    /// <summary>Reloads when the file changed since the last successful load; returns whether it did. A bad file
    /// is logged and the current hosts stay.</summary>
    public async Task<bool> ReloadIfChangedAsync(CancellationToken cancellationToken)
    {
        if (Stamp() == _stamp)
        {
            return false;
        }

        try
        {
            await ReloadAsync(cancellationToken);
            return true;
        }
        catch (InventoryException)
        {
            // Logged by ReloadAsync; remember the stamp so a bad file is reported once, not every poll.
            _stamp = Stamp();
            return false;
        }
    }

    public void Dispose() => _reloadLock.Dispose();

    private (DateTime, long) Stamp()
    {
        var info = new FileInfo(_options.Path);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
    }

    [LoggerMessage(EventId = 100, EventName = "InventoryLoaded", Level = LogLevel.Information,
        Message = "Inventory {Path} loaded: {HostCount} hosts (version {Version})")]
    private static partial void LogLoaded(ILogger logger, string path, int hostCount, long version);

    [LoggerMessage(EventId = 101, EventName = "InventoryInvalid", Level = LogLevel.Error,
        Message = "Inventory {Path} not loaded, keeping the previous hosts: {Error}")]
    private static partial void LogInvalid(ILogger logger, string path, string error);
}
