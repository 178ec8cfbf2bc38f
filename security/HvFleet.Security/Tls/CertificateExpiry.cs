using System.Security.Cryptography.X509Certificates;

namespace HvFleet.Security.Tls;

/// <summary>Expiry facts of a certificate, reported by GetHostInfo/ListHosts.</summary>
/// <param name="Subject">The certificate's subject.</param>
/// <param name="NotBefore">Start of validity.</param>
/// <param name="NotAfter">End of validity.</param>
/// <param name="ExpiresSoon">True within 30 days of <paramref name="NotAfter"/> (or past it).</param>
/// <param name="Thumbprint">SHA-256 thumbprint, upper-case hex.</param>
public sealed record CertificateExpiry(string Subject, DateTimeOffset NotBefore, DateTimeOffset NotAfter, bool ExpiresSoon, string Thumbprint)
{
    /// <summary>How far ahead expiry is warned about and flagged (30 days).</summary>
    public static readonly TimeSpan WarningWindow = TimeSpan.FromDays(30);

    /// <summary>The facts of <paramref name="certificate"/> as of <paramref name="now"/>.</summary>
    public static CertificateExpiry From(X509Certificate2 certificate, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        return new CertificateExpiry(
            certificate.Subject,
            new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
            notAfter,
            notAfter - now <= WarningWindow,
            Convert.ToHexString(certificate.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256)));
    }
}
