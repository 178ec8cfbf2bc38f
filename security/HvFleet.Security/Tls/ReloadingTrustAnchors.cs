using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace HvFleet.Security.Tls;

/// <summary>
/// The fleet CA certificate(s) from a PEM file (several may be concatenated during a CA change),
/// re-read when the file changes.
/// </summary>
public sealed partial class ReloadingTrustAnchors : IDisposable
{
    private readonly string _path;
    private readonly ILogger _logger;
    private readonly FileChangeMonitor _monitor;
    private volatile X509Certificate2Collection _current;

    /// <summary>Loads the file now; throws when it holds no certificate.</summary>
    public ReloadingTrustAnchors(string path, TimeProvider time, ILogger<ReloadingTrustAnchors> logger, TimeSpan? pollInterval = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _path = path;
        _logger = logger;
        try
        {
            _current = Load(path);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Cannot load the CA certificate file '{path}': {ex.Message}", ex);
        }

        _monitor = new FileChangeMonitor([path], pollInterval ?? TimeSpan.FromSeconds(30), time, Reload);
    }

    /// <summary>Raised after new anchors were loaded.</summary>
    public event EventHandler? Changed;

    /// <summary>The CA certificates to chain to.</summary>
    public X509Certificate2Collection Current => _current;

    /// <summary>Re-reads the file now if it changed.</summary>
    public void CheckForChanges() => _monitor.Check();

    /// <summary>Reads every certificate in a PEM file; throws <see cref="CryptographicException"/> when there is none.</summary>
    public static X509Certificate2Collection Load(string path)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(path);
        if (collection.Count == 0)
        {
            throw new CryptographicException($"'{path}' holds no PEM certificate.");
        }

        return collection;
    }

    public void Dispose() => _monitor.Dispose();

    private void Reload()
    {
        try
        {
            _current = Load(_path);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            LogReloadFailed(_logger, ex, _path);
            return;
        }

        LogReloaded(_logger, _path, _current.Count);
        Changed?.Invoke(this, EventArgs.Empty);
    }

    [LoggerMessage(EventId = 6311, EventName = "TrustAnchorsReloaded", Level = LogLevel.Information, Message = "Reloaded CA file {Path}: {Count} certificate(s).")]
    private static partial void LogReloaded(ILogger logger, string path, int count);

    [LoggerMessage(EventId = 6312, EventName = "TrustAnchorsReloadFailed", Level = LogLevel.Warning, Message = "Could not reload CA file {Path}; keeping the previous one.")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception, string path);
}
