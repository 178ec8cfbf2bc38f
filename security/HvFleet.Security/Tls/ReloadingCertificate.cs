using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace HvFleet.Security.Tls;

/// <summary>
/// A certificate and private key read from PEM files and re-read when they change, without a
/// restart: Kestrel's certificate selector and client handlers read <see cref="Current"/> for
/// each new connection. A half-written or mismatched pair is ignored (the previous one stays, with
/// a warning) until the files are consistent again. Warns when the certificate is within 30 days of expiry.
/// </summary>
public sealed partial class ReloadingCertificate : IDisposable
{
    private readonly string _certificatePath;
    private readonly string _keyPath;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FileChangeMonitor _monitor;
    private volatile X509Certificate2 _current;
    private string? _warnedThumbprint;

    /// <summary>Loads the pair now; throws <see cref="CryptographicException"/> or <see cref="IOException"/> when it cannot.</summary>
    public ReloadingCertificate(string certificatePath, string keyPath, TimeProvider time, ILogger<ReloadingCertificate> logger, TimeSpan? pollInterval = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(certificatePath);
        ArgumentException.ThrowIfNullOrEmpty(keyPath);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _certificatePath = certificatePath;
        _keyPath = keyPath;
        _time = time;
        _logger = logger;
        try
        {
            _current = Load(certificatePath, keyPath);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidOperationException($"Cannot load the TLS certificate '{certificatePath}' with its key '{keyPath}': {ex.Message}", ex);
        }

        WarnIfExpiring();
        _monitor = new FileChangeMonitor([certificatePath, keyPath], pollInterval ?? TimeSpan.FromSeconds(30), time, Reload);
    }

    /// <summary>Raised after a new certificate was loaded.</summary>
    public event EventHandler? Changed;

    /// <summary>The certificate to present on new connections.</summary>
    public X509Certificate2 Current => _current;

    /// <summary>Expiry facts of <see cref="Current"/> now.</summary>
    public CertificateExpiry Expiry => CertificateExpiry.From(_current, _time.GetUtcNow());

    /// <summary>Re-reads the files now if they changed (the monitor does this on its own).</summary>
    public void CheckForChanges() => _monitor.Check();

    /// <summary>Loads a PEM certificate with its PEM private key, usable by SslStream on every OS.</summary>
    public static X509Certificate2 Load(string certificatePath, string keyPath)
    {
        var certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        if (!OperatingSystem.IsWindows())
        {
            return certificate;
        }

        // SChannel cannot use an ephemeral (PEM-imported) key; a PKCS#12 round trip persists it in the process.
        using (certificate)
        {
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
        }
    }

    public void Dispose() => _monitor.Dispose();

    private void Reload()
    {
        X509Certificate2 loaded;
        try
        {
            loaded = Load(_certificatePath, _keyPath);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            LogReloadFailed(_logger, ex, _certificatePath, _keyPath);
            return;
        }

        _current = loaded;
        LogReloaded(_logger, _certificatePath, loaded.Subject, loaded.NotAfter);
        WarnIfExpiring();
        Changed?.Invoke(this, EventArgs.Empty);
    }

    private void WarnIfExpiring()
    {
        var expiry = Expiry;
        if (expiry.ExpiresSoon && _warnedThumbprint != expiry.Thumbprint)
        {
            _warnedThumbprint = expiry.Thumbprint;
            LogExpiresSoon(_logger, _certificatePath, expiry.Subject, expiry.NotAfter);
        }
    }

    [LoggerMessage(EventId = 6301, EventName = "CertificateReloaded", Level = LogLevel.Information, Message = "Reloaded certificate {Path}: {Subject}, valid until {NotAfter:u}.")]
    private static partial void LogReloaded(ILogger logger, string path, string subject, DateTime notAfter);

    [LoggerMessage(EventId = 6302, EventName = "CertificateReloadFailed", Level = LogLevel.Warning, Message = "Could not reload certificate {Path} with key {KeyPath}; keeping the previous one.")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception, string path, string keyPath);

    [LoggerMessage(EventId = 6303, EventName = "CertificateExpiresSoon", Level = LogLevel.Warning, Message = "Certificate {Path} ({Subject}) expires at {NotAfter:u}, within 30 days: issue a new one.")]
    private static partial void LogExpiresSoon(ILogger logger, string path, string subject, DateTimeOffset notAfter);
}
