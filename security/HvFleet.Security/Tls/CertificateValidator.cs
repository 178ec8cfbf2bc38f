using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HvFleet.Security.Tls;

/// <summary>
/// Checks peer certificates against the fleet CA: chained to one of the anchors only (the system
/// store is ignored), within validity at the given time, carrying the needed extended key usage.
/// Revocation is not checked (the fleet has no CRL or OCSP responder; certificates are short-lived).
/// </summary>
public static class CertificateValidator
{
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>Null when <paramref name="certificate"/> is a valid fleet client certificate; otherwise why not.</summary>
    public static string? ValidateClient(X509Certificate2 certificate, X509Certificate2Collection anchors, DateTimeOffset now) =>
        ValidateChain(certificate, anchors, now, ClientAuthOid, "client authentication");

    /// <summary>
    /// Null when <paramref name="certificate"/> is a valid fleet server certificate for
    /// <paramref name="expectedIdentity"/> (a DNS name or IP address that must be among its SANs).
    /// </summary>
    public static string? ValidateServer(X509Certificate2 certificate, X509Certificate2Collection anchors, DateTimeOffset now, string expectedIdentity)
    {
        ArgumentException.ThrowIfNullOrEmpty(expectedIdentity);
        var chainError = ValidateChain(certificate, anchors, now, ServerAuthOid, "server authentication");
        if (chainError is not null)
        {
            return chainError;
        }

        return certificate.MatchesHostname(expectedIdentity.Trim('[', ']'), allowWildcards: false, allowCommonName: false)
            ? null
            : $"the server certificate '{certificate.Subject}' is not for '{expectedIdentity}' (no matching DNS or IP subject alternative name)";
    }

    private static string? ValidateChain(X509Certificate2 certificate, X509Certificate2Collection anchors, DateTimeOffset now, string usageOid, string usage)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(anchors);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(anchors);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(usageOid));
        chain.ChainPolicy.DisableCertificateDownloads = true;
        try
        {
            if (chain.Build(certificate))
            {
                return null;
            }

            var problems = chain.ChainStatus.Where(s => s.Status != X509ChainStatusFlags.NoError)
                .Select(s => s.Status.ToString()).Distinct(StringComparer.Ordinal);
            return $"certificate '{certificate.Subject}' is not a valid fleet certificate for {usage}: {string.Join(", ", problems)}";
        }
        catch (CryptographicException ex)
        {
            return $"certificate '{certificate.Subject}' could not be checked: {ex.Message}";
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                if (!ReferenceEquals(element.Certificate, certificate) && !anchors.Contains(element.Certificate))
                {
                    element.Certificate.Dispose();
                }
            }
        }
    }
}
