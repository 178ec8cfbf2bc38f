using System.Net;
using System.Security.Cryptography.X509Certificates;
using HvFleet.Security.Authorization;
using HvFleet.Security.Pki;
using HvFleet.Security.Tls;

namespace HvFleet.Security.Tests.Pki;

public sealed class PkiCommandsTests
{
    [Fact]
    public async Task IssueAsync_AfterInit_CertificateChainsToCaWithRoleSansAndBothUsages()
    {
        using var pki = await TestPki.CreateAsync();
        var (certificatePath, keyPath) = await pki.IssueAsync("agent1", "operator", ["agent1.fleet.test"], ["10.1.2.3", "::1"]);

        using var certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        var anchors = ReloadingTrustAnchors.Load(pki.CaCertificate);
        Assert.True(certificate.HasPrivateKey);
        Assert.Null(CertificateValidator.ValidateClient(certificate, anchors, DateTimeOffset.UtcNow));
        Assert.Null(CertificateValidator.ValidateServer(certificate, anchors, DateTimeOffset.UtcNow, "agent1.fleet.test"));
        Assert.Null(CertificateValidator.ValidateServer(certificate, anchors, DateTimeOffset.UtcNow, "10.1.2.3"));
        Assert.Equal(FleetRole.Operator, FleetRoles.FromCertificate(certificate));
        Assert.Contains("hvfleet:role:operator", FleetRoles.GetSubjectAltNameUris(certificate));
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["agent1.fleet.test"], san.EnumerateDnsNames());
        Assert.Equal([IPAddress.Parse("10.1.2.3"), IPAddress.IPv6Loopback], san.EnumerateIPAddresses());
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value);
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], usages);
        Assert.False(certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.InRange(certificate.NotAfter - certificate.NotBefore, TimeSpan.FromDays(365), TimeSpan.FromDays(365.01));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(pki.Directory, PkiFiles.CaKey)));
        }

        Assert.StartsWith("-----BEGIN CERTIFICATE-----", await File.ReadAllTextAsync(certificatePath), StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", await File.ReadAllTextAsync(keyPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IssueAsync_Orchestrator_CertificateMarkedAndItsCallerIsAnOrchestrator()
    {
        using var pki = await TestPki.CreateAsync();
        var (plainPath, plainKey) = await pki.IssueAsync("alice", "admin");
        Assert.True((await pki.Commands.IssueAsync(pki.Directory, "orchestrator", "admin", [], [], pki.Directory,
            new PkiOptions { Orchestrator = true }, CancellationToken.None)).Succeeded);

        using var plain = X509Certificate2.CreateFromPemFile(plainPath, plainKey);
        using var orchestrator = X509Certificate2.CreateFromPemFile(Path.Combine(pki.Directory, PkiFiles.Certificate("orchestrator")),
            Path.Combine(pki.Directory, PkiFiles.Key("orchestrator")));

        Assert.Contains(FleetUsages.OrchestratorUri, FleetRoles.GetSubjectAltNameUris(orchestrator));
        Assert.Equal(FleetRole.Admin, FleetRoles.FromCertificate(orchestrator));
        Assert.True(CallerIdentity.FromCertificate(orchestrator).IsOrchestrator);
        Assert.False(CallerIdentity.FromCertificate(plain).IsOrchestrator);
    }

    [Fact]
    public async Task InitAsync_Ca_IsTenYearCertificateAuthorityThatSignsCertificates()
    {
        using var pki = await TestPki.CreateAsync();

        using var ca = X509CertificateLoader.LoadCertificateFromFile(pki.CaCertificate);
        Assert.True(ca.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.True(ca.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign));
        Assert.True(ca.NotAfter - ca.NotBefore >= TimeSpan.FromDays(3652));
    }

    [Fact]
    public async Task InitAsync_ExistingCa_IsRefusedUnlessForced()
    {
        using var pki = await TestPki.CreateAsync();
        var before = await File.ReadAllTextAsync(pki.CaCertificate);

        var refused = await pki.Commands.InitAsync(pki.Directory, null, CancellationToken.None);
        Assert.False(refused.Succeeded);
        Assert.Contains("already exists", refused.Error, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(pki.CaCertificate));

        var forced = await pki.Commands.InitAsync(pki.Directory, new PkiOptions { Force = true }, CancellationToken.None);
        Assert.True(forced.Succeeded, forced.Error);
        Assert.NotEqual(before, await File.ReadAllTextAsync(pki.CaCertificate));
    }

    [Fact]
    public async Task IssueAsync_BadInput_ReportsEveryProblemAndWritesNothing()
    {
        using var pki = await TestPki.CreateAsync();

        var result = await pki.Commands.IssueAsync(pki.Directory, "../evil", "root", ["bad name!"], ["300.1.1.1"], pki.Directory, null, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("--name", result.Error, StringComparison.Ordinal);
        Assert.Contains("--role: 'root' is not one of viewer, operator, admin", result.Error, StringComparison.Ordinal);
        Assert.Contains("--dns: 'bad name!'", result.Error, StringComparison.Ordinal);
        Assert.Contains("--ip: '300.1.1.1'", result.Error, StringComparison.Ordinal);
        Assert.Equal([PkiFiles.CaCertificate, PkiFiles.CaKey], Directory.GetFiles(pki.Directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task IssueAsync_ExistingCertificate_IsRefusedUnlessForced()
    {
        using var pki = await TestPki.CreateAsync();
        var (certificatePath, _) = await pki.IssueAsync("cli", "viewer");
        var before = await File.ReadAllTextAsync(certificatePath);

        var refused = await pki.Commands.IssueAsync(pki.Directory, "cli", "admin", [], [], pki.Directory, null, CancellationToken.None);
        Assert.False(refused.Succeeded);
        Assert.Contains("already exists", refused.Error, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(certificatePath));
    }

    [Fact]
    public async Task IssueAsync_MissingCa_SaysWhichDirectory()
    {
        var empty = Directory.CreateTempSubdirectory("hvfleet-noca-").FullName;
        try
        {
            var result = await new PkiCommands().IssueAsync(empty, "x", "viewer", [], [], empty, null, CancellationToken.None);
            Assert.False(result.Succeeded);
            Assert.Contains(empty, result.Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }
}
