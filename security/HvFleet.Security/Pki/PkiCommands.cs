using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using HvFleet.Security.Authorization;

namespace HvFleet.Security.Pki;

/// <summary>
/// <c>hvfleet pki init</c> and <c>hvfleet pki issue</c>: a fleet CA and certificates usable as
/// both server and client (ECDSA P-256, SHA-256), the role as a SAN URI, PEM files, keys 0600.
/// Bad input and existing files are reported as <see cref="PkiResult"/> errors; nothing is half-written.
/// </summary>
public sealed partial class PkiCommands(TimeProvider time)
{
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    // Certificates are valid from a little before "now" so that hosts with slightly slow clocks accept them.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    public PkiCommands()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Creates <c>ca.crt</c> and <c>ca.key</c> in <paramref name="outDir"/>.</summary>
    public async Task<PkiResult> InitAsync(string outDir, PkiOptions? options, CancellationToken cancellationToken)
    {
        options ??= new PkiOptions();
        if (string.IsNullOrWhiteSpace(outDir))
        {
            return PkiResult.Failure("--out: a directory is required");
        }

        if (options.CaValidity <= TimeSpan.Zero)
        {
            return PkiResult.Failure("CA validity must be positive");
        }

        var certificatePath = Path.GetFullPath(Path.Combine(outDir, PkiFiles.CaCertificate));
        var keyPath = Path.GetFullPath(Path.Combine(outDir, PkiFiles.CaKey));
        if (PemFileWriter.CheckTargets([certificatePath, keyPath], options.Force) is { } conflict)
        {
            return PkiResult.Failure(conflict);
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + EscapeRdn(options.CaName) + ", O=HvFleet"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = time.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now - ClockSkew, now + options.CaValidity);

        Directory.CreateDirectory(Path.GetDirectoryName(certificatePath)!);
        await PemFileWriter.WriteAllAsync(
            [(keyPath, key.ExportPkcs8PrivateKeyPem(), true), (certificatePath, certificate.ExportCertificatePem(), false)],
            cancellationToken);
        return PkiResult.Success([certificatePath, keyPath]);
    }

    /// <summary>
    /// Issues <c>NAME.crt</c>/<c>NAME.key</c> in <paramref name="outDir"/>, signed by the CA in
    /// <paramref name="caDir"/>, with the role (viewer, operator, admin) as SAN URI and the given DNS and IP SANs
    /// (and the orchestrator usage URI with <see cref="PkiOptions.Orchestrator"/>).
    /// </summary>
    public async Task<PkiResult> IssueAsync(
        string caDir,
        string name,
        string role,
        IReadOnlyList<string> dns,
        IReadOnlyList<string> ip,
        string outDir,
        PkiOptions? options,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dns);
        ArgumentNullException.ThrowIfNull(ip);
        options ??= new PkiOptions();
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(caDir))
        {
            errors.Add("--ca: the CA directory is required");
        }

        if (string.IsNullOrEmpty(name) || !SafeName().IsMatch(name) || string.Equals(name, "ca", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"--name: '{name}' must be 1-64 letters, digits, '.', '_' or '-', not start with '.' or '-', and not be 'ca'");
        }

        if (!FleetRoles.TryParse(role, out var fleetRole))
        {
            errors.Add($"--role: '{role}' is not one of {string.Join(", ", FleetRoles.Names)}");
        }

        foreach (var d in dns)
        {
            if (Uri.CheckHostName(d) != UriHostNameType.Dns)
            {
                errors.Add($"--dns: '{d}' is not a DNS name");
            }
        }

        var addresses = new List<IPAddress>();
        foreach (var a in ip)
        {
            if (IPAddress.TryParse(a, out var address))
            {
                addresses.Add(address);
            }
            else
            {
                errors.Add($"--ip: '{a}' is not an IP address");
            }
        }

        if (options.Validity <= TimeSpan.Zero)
        {
            errors.Add("validity must be positive");
        }

        if (string.IsNullOrWhiteSpace(outDir))
        {
            errors.Add("--out: a directory is required");
        }

        if (errors.Count > 0)
        {
            return PkiResult.Failure(string.Join("; ", errors));
        }

        X509Certificate2 ca;
        try
        {
            ca = X509Certificate2.CreateFromPemFile(Path.Combine(caDir, PkiFiles.CaCertificate), Path.Combine(caDir, PkiFiles.CaKey));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            return PkiResult.Failure($"--ca: cannot load {PkiFiles.CaCertificate} and {PkiFiles.CaKey} from '{caDir}': {ex.Message}");
        }

        using (ca)
        {
            var now = time.GetUtcNow();
            var notBefore = now - ClockSkew;
            var notAfter = now + options.Validity;
            if (notAfter > ca.NotAfter || notBefore < ca.NotBefore)
            {
                return PkiResult.Failure($"the requested validity ({notBefore:u} to {notAfter:u}) is outside the CA's ({ca.NotBefore.ToUniversalTime():u} to {ca.NotAfter.ToUniversalTime():u})");
            }

            var certificatePath = Path.GetFullPath(Path.Combine(outDir, PkiFiles.Certificate(name)));
            var keyPath = Path.GetFullPath(Path.Combine(outDir, PkiFiles.Key(name)));
            if (PemFileWriter.CheckTargets([certificatePath, keyPath], options.Force) is { } conflict)
            {
                return PkiResult.Failure(conflict);
            }

            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest(new X500DistinguishedName("CN=" + name + ", O=HvFleet"), key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, critical: true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthOid), new Oid(ClientAuthOid)], critical: false));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
            var san = new SubjectAlternativeNameBuilder();
            foreach (var d in dns)
            {
                san.AddDnsName(d);
            }

            foreach (var address in addresses)
            {
                san.AddIpAddress(address);
            }

            san.AddUri(new Uri(FleetRoles.ToUri(fleetRole)));
            if (options.Orchestrator)
            {
                san.AddUri(new Uri(FleetUsages.OrchestratorUri));
            }
            request.CertificateExtensions.Add(san.Build());

            var serial = new byte[16];
            RandomNumberGenerator.Fill(serial);
            serial[0] &= 0x7F; // a positive INTEGER
            using var certificate = request.Create(ca, notBefore, notAfter, serial);

            Directory.CreateDirectory(Path.GetDirectoryName(certificatePath)!);
            await PemFileWriter.WriteAllAsync(
                [(keyPath, key.ExportPkcs8PrivateKeyPem(), true), (certificatePath, certificate.ExportCertificatePem(), false)],
                cancellationToken);
            return PkiResult.Success([certificatePath, keyPath]);
        }
    }

    private static string EscapeRdn(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(",", "\\,", StringComparison.Ordinal)
        .Replace("+", "\\+", StringComparison.Ordinal).Replace("=", "\\=", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex SafeName();
}
