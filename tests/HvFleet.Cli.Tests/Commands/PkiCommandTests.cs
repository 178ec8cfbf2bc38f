using System.Security.Cryptography.X509Certificates;

namespace HvFleet.Cli.Tests.Commands;

public sealed class PkiCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hvfleet-pki-cli-").FullName;

    [Fact]
    public async Task PkiInitThenIssue_WritesCaAndRoleCertificateChainedToIt()
    {
        var init = await CliRun.RunAsync("pki", "init", "--out", _dir);
        Assert.Equal(0, init.ExitCode);
        Assert.True(File.Exists(Path.Combine(_dir, "ca.crt")));

        var issue = await CliRun.RunAsync("pki", "issue", "--ca", _dir, "--name", "agent-01", "--role", "operator", "--dns", "agent-01.lab", "--ip", "127.0.0.1", "--out", _dir);
        Assert.Equal(0, issue.ExitCode);
        using var certificate = X509Certificate2.CreateFromPemFile(Path.Combine(_dir, "agent-01.crt"), Path.Combine(_dir, "agent-01.key"));
        using var authority = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(_dir, "ca.crt"));
        Assert.Equal(authority.Subject, certificate.Issuer);
        Assert.Contains("hvfleet:role:operator", certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().RawData.Select(b => (char)b).Aggregate("", (s, c) => s + c), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PkiIssue_UnknownRole_FailsNamingTheRole()
    {
        Assert.Equal(0, (await CliRun.RunAsync("pki", "init", "--out", _dir)).ExitCode);
        var issue = await CliRun.RunAsync("pki", "issue", "--ca", _dir, "--name", "x", "--role", "root", "--out", _dir);
        Assert.Equal(1, issue.ExitCode);
        Assert.Contains("role", issue.Error, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(Path.Combine(_dir, "x.crt")));
    }

    [Fact]
    public async Task PkiInit_Twice_RefusesToOverwriteWithoutForce()
    {
        Assert.Equal(0, (await CliRun.RunAsync("pki", "init", "--out", _dir)).ExitCode);
        var again = await CliRun.RunAsync("pki", "init", "--out", _dir);
        Assert.Equal(1, again.ExitCode);
        Assert.Equal(0, (await CliRun.RunAsync("pki", "init", "--out", _dir, "--force")).ExitCode);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
