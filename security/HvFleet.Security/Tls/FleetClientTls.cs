using System.Security.Cryptography.X509Certificates;
using HvFleet.Security.Clients;
using Microsoft.Extensions.Logging;

namespace HvFleet.Security.Tls;

/// <summary>
/// Client side of the fleet's mutual TLS: presents the (reloading) client certificate and accepts
/// only servers whose certificate chains to the fleet CA and names the expected identity (the
/// DNS name or IP address the inventory lists for the host).
/// </summary>
public sealed partial class FleetClientTls : IDisposable
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>
    /// Loads the files now. <paramref name="certificatePath"/>/<paramref name="keyPath"/> may be
    /// null for a client that presents no certificate.
    /// </summary>
    public FleetClientTls(string? certificatePath, string? keyPath, string caPath, TimeProvider time, ILoggerFactory loggers, TimeSpan? pollInterval = null)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = loggers.CreateLogger<FleetClientTls>();
        Authorities = new ReloadingTrustAnchors(caPath, time, loggers.CreateLogger<ReloadingTrustAnchors>(), pollInterval);
        if (certificatePath is not null && keyPath is not null)
        {
            try
            {
                ClientCertificate = new ReloadingCertificate(certificatePath, keyPath, time, loggers.CreateLogger<ReloadingCertificate>(), pollInterval);
            }
            catch
            {
                Authorities.Dispose();
                throw;
            }
        }
    }

    /// <summary>The certificate presented to servers, if any.</summary>
    public ReloadingCertificate? ClientCertificate { get; }

    /// <summary>The CA(s) server certificates must chain to.</summary>
    public ReloadingTrustAnchors Authorities { get; }

    /// <summary>
    /// Channel options for one server: the channel's HTTP/2 handler, whose TLS presents the current client
    /// certificate on each new connection and checks the server against the CA and
    /// <paramref name="expectedIdentity"/>.
    /// </summary>
    public FleetChannelOptions CreateChannelOptions(string expectedIdentity, TimeSpan? connectTimeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(expectedIdentity);
        return new FleetChannelOptions
        {
            ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(10),
            TargetHost = expectedIdentity.Trim('[', ']'),
            ServerCertificateValidation = (_, certificate, _, _) => IsValidServer(certificate, expectedIdentity),
            ClientCertificateSelection = (_, _, _, _, _) => ClientCertificate?.Current!,
        };
    }

    public void Dispose()
    {
        ClientCertificate?.Dispose();
        Authorities.Dispose();
    }

    private bool IsValidServer(X509Certificate? certificate, string expectedIdentity)
    {
        if (certificate is not X509Certificate2 server)
        {
            LogServerRefused(_logger, expectedIdentity, "the server presented no certificate");
            return false;
        }

        var error = CertificateValidator.ValidateServer(server, Authorities.Current, _time.GetUtcNow(), expectedIdentity);
        if (error is null)
        {
            return true;
        }

        LogServerRefused(_logger, expectedIdentity, error);
        return false;
    }

    [LoggerMessage(EventId = 6331, EventName = "ServerCertificateRefused", Level = LogLevel.Warning, Message = "TLS connection to {Identity} refused: {Reason}.")]
    private static partial void LogServerRefused(ILogger logger, string identity, string reason);
}
