using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace HvFleet.Security.Tls;

/// <summary>
/// Server side of the fleet's mutual TLS: serves the (reloading) certificate and requires a client
/// certificate chained to the (reloading) fleet CA with client-authentication usage.
/// </summary>
public sealed partial class FleetServerTls : IDisposable
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Loads the files now; throws when one cannot be read or parsed.</summary>
    public FleetServerTls(string certificatePath, string keyPath, string clientCaPath, TimeProvider time, ILoggerFactory loggers, TimeSpan? pollInterval = null)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = loggers.CreateLogger<FleetServerTls>();
        ServerCertificate = new ReloadingCertificate(certificatePath, keyPath, time, loggers.CreateLogger<ReloadingCertificate>(), pollInterval);
        try
        {
            ClientAuthorities = new ReloadingTrustAnchors(clientCaPath, time, loggers.CreateLogger<ReloadingTrustAnchors>(), pollInterval);
        }
        catch
        {
            ServerCertificate.Dispose();
            throw;
        }
    }

    /// <summary>The certificate the server presents.</summary>
    public ReloadingCertificate ServerCertificate { get; }

    /// <summary>The CA(s) client certificates must chain to.</summary>
    public ReloadingTrustAnchors ClientAuthorities { get; }

    /// <summary>Applies the configuration to a Kestrel HTTPS endpoint.</summary>
    public void Configure(HttpsConnectionAdapterOptions https)
    {
        ArgumentNullException.ThrowIfNull(https);
        https.ServerCertificateSelector = (_, _) => ServerCertificate.Current;
        https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
        https.CheckCertificateRevocation = false;
        https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
        https.ClientCertificateValidation = (certificate, _, _) => IsValidClient(certificate);
    }

    public void Dispose()
    {
        ServerCertificate.Dispose();
        ClientAuthorities.Dispose();
    }

    private bool IsValidClient(X509Certificate2 certificate)
    {
        var error = CertificateValidator.ValidateClient(certificate, ClientAuthorities.Current, _time.GetUtcNow());
        if (error is null)
        {
            return true;
        }

        LogClientRefused(_logger, error);
        return false;
    }

    [LoggerMessage(EventId = 6321, EventName = "ClientCertificateRefused", Level = LogLevel.Warning, Message = "TLS handshake refused: {Reason}.")]
    private static partial void LogClientRefused(ILogger logger, string reason);
}
