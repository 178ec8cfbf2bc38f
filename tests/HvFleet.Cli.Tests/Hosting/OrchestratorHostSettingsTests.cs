using HvFleet.Orchestrator.Hosting;

namespace HvFleet.Cli.Tests.Hosting;

public sealed class OrchestratorHostSettingsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hvfleet-settings-").FullName;

    public OrchestratorHostSettingsTests()
    {
        foreach (string name in new[] { "o.crt", "o.key", "ca.crt" })
        {
            File.WriteAllText(Path.Combine(_dir, name), "x");
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Problems_MutualTlsComplete_None() =>
        Assert.Empty(Secure("0.0.0.0:50052").Problems());

    [Fact]
    public void Problems_InsecureOnLoopback_None() =>
        Assert.Empty(Plain("127.0.0.1:7600").Problems());

    [Theory]
    [InlineData("0.0.0.0:7600")]
    [InlineData("*:7600")]
    [InlineData("10.1.2.3:7600")]
    public void Problems_InsecureOffLoopback_RefusedNamingInsecureAndTheAddress(string listen)
    {
        string problem = Assert.Single(Plain(listen).Problems());

        Assert.Contains("--insecure", problem, StringComparison.Ordinal);
        Assert.Contains(listen, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_NeitherTlsNorInsecure_NamesEveryMissingFlag()
    {
        var settings = Plain("127.0.0.1:7600") with { InsecureLoopbackTcp = false };

        string problem = Assert.Single(settings.Problems());

        Assert.Contains("--tls-cert, --tls-key, --client-ca", problem, StringComparison.Ordinal);
        Assert.Contains("--insecure", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_InsecureWithTlsFiles_Refused() =>
        Assert.Contains((Secure("127.0.0.1:7600") with { InsecureLoopbackTcp = true }).Problems(), p => p.Contains("exclude each other", StringComparison.Ordinal));

    [Fact]
    public void Problems_MissingFiles_EachNamed()
    {
        var settings = Secure("0.0.0.0:1") with { TlsKeyPath = Path.Combine(_dir, "nope.key"), ClientCaPath = Path.Combine(_dir, "nope-ca.crt") };

        var problems = settings.Problems();

        Assert.Contains(problems, p => p.StartsWith("--tls-key:", StringComparison.Ordinal) && p.Contains("nope.key", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("--client-ca:", StringComparison.Ordinal));
    }

    [Fact]
    public void Problems_AgentsOverTlsWithoutCaOrCertificate_Refused()
    {
        var settings = Plain("127.0.0.1:1") with { AgentsInsecure = false };

        var problems = settings.Problems();

        Assert.Contains(problems, p => p.Contains("--agents-ca", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("client certificate", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("nonsense", "--listen")]
    [InlineData("host.example:80", "--listen")]
    public void Problems_BadListen_Named(string listen, string flag) =>
        Assert.Contains(Secure(listen).Problems(), p => p.StartsWith(flag, StringComparison.Ordinal));

    [Fact]
    public void Problems_HealthListenOnTheApiPort_Refused() =>
        Assert.Contains((Secure("0.0.0.0:50052") with { HealthListen = "0.0.0.0:50052" }).Problems(),
            p => p.Contains("--health-listen", StringComparison.Ordinal) && p.Contains("another port", StringComparison.Ordinal));

    [Fact]
    public async Task Serve_InsecureOffLoopback_Exit1WithTheReason()
    {
        var run = await CliRun.RunAsync("serve", "--listen", "0.0.0.0:0", "--insecure-loopback-tcp", "--agents-insecure",
            "--inventory", Path.Combine(_dir, "inventory.yaml"), "--data-dir", Path.Combine(_dir, "data"));

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains("loopback", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir, "data")));
    }

    [Fact]
    public void Problems_InsecureAloneOnLoopback_RefusedNamingTheUnixSocketAndTheOptIn()
    {
        string problem = Assert.Single((Plain("127.0.0.1:7600") with { InsecureLoopbackTcp = false, Insecure = true }).Problems());

        Assert.Contains("--insecure alone is refused", problem, StringComparison.Ordinal);
        Assert.Contains("--listen unix:/", problem, StringComparison.Ordinal);
        Assert.Contains("--insecure-loopback-tcp", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_UnixSocket_NeedsNoTlsAndNoOptIn() =>
        Assert.Empty((Plain("unix:" + Path.Combine(_dir, "hvfleet.sock")) with { InsecureLoopbackTcp = false }).Problems());

    [Fact]
    public void Problems_UnixSocketWithTlsFilesOrTheTcpOptIn_RefusedNamingEach()
    {
        var problems = (Secure("unix:" + Path.Combine(_dir, "hvfleet.sock")) with { InsecureLoopbackTcp = true }).Problems();

        Assert.Contains(problems, p => p.Contains("--tls-cert/--tls-key/--client-ca do not apply", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("--insecure-loopback-tcp is for a TCP --listen address", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Serve_InsecureAloneOnLoopback_Exit1NamingWhatToUseInstead()
    {
        var run = await CliRun.RunAsync("serve", "--listen", "127.0.0.1:0", "--insecure", "--agents-insecure",
            "--inventory", Path.Combine(_dir, "inventory.yaml"), "--data-dir", Path.Combine(_dir, "data"));

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains("--insecure-loopback-tcp", run.Error, StringComparison.Ordinal);
        Assert.Contains("--listen unix:/", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir, "data")));
    }

    private OrchestratorHostSettings Secure(string listen) => new()
    {
        Listen = listen,
        InventoryPath = Path.Combine(_dir, "inventory.yaml"),
        DataDirectory = Path.Combine(_dir, "data"),
        TlsCertificatePath = Path.Combine(_dir, "o.crt"),
        TlsKeyPath = Path.Combine(_dir, "o.key"),
        ClientCaPath = Path.Combine(_dir, "ca.crt"),
    };

    private OrchestratorHostSettings Plain(string listen) => new()
    {
        Listen = listen,
        InventoryPath = Path.Combine(_dir, "inventory.yaml"),
        DataDirectory = Path.Combine(_dir, "data"),
        InsecureLoopbackTcp = true,
        AgentsInsecure = true,
    };
}
