using HvFleet.Agent.Hosting;

namespace HvFleet.Agent.Tests.Hosting;

public sealed class AgentOptionsValidatorTests
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "hvfleet-agent-options");

    [Theory]
    [InlineData("127.0.0.1:50051")]
    [InlineData("[::1]:50051")]
    [InlineData("localhost:0")]
    public void Validate_InsecureOnLoopback_Succeeds(string listen)
    {
        var result = Validate(new AgentOptions { Listen = listen, Insecure = true, Backend = "lab" });

        Assert.True(result.Succeeded, string.Join("; ", result.Failures ?? []));
    }

    [Theory]
    [InlineData("0.0.0.0:50051")]
    [InlineData("[::]:50051")]
    [InlineData("192.168.1.10:50051")]
    public void Validate_InsecureOffLoopback_IsRefusedWithAClearMessage(string listen)
    {
        var result = Validate(new AgentOptions { Listen = listen, Insecure = true, Backend = "lab" });

        var failure = Assert.Single(result.Failures!);
        Assert.Contains("--insecure", failure, StringComparison.Ordinal);
        Assert.Contains("loopback", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NeitherTlsNorInsecure_AsksForOne()
    {
        var result = Validate(new AgentOptions { Backend = "lab" });

        Assert.Contains("--tls-cert", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PartialTls_NamesTheMissingFiles()
    {
        var result = Validate(new AgentOptions { Backend = "lab", TlsCertificate = "/pki/a.pem" });

        Assert.Contains(result.Failures!, f => f.Contains("--client-ca", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_FullTls_Succeeds()
    {
        var result = Validate(new AgentOptions
        {
            Listen = "0.0.0.0:50051",
            Backend = "lab",
            TlsCertificate = "/pki/a.pem",
            TlsKey = "/pki/a.key",
            ClientCa = "/pki/ca.pem",
        });

        Assert.True(result.Succeeded, string.Join("; ", result.Failures ?? []));
    }

    [Fact]
    public void Validate_EverythingWrong_ReportsEveryFailure()
    {
        var result = Validate(new AgentOptions
        {
            Listen = "nowhere",
            Backend = "vmware",
            Insecure = true,
            TlsCertificate = "/pki/a.pem",
            ExportRoots = ["relative/exports", Path.Combine(Root, "ok")],
        });

        var failures = result.Failures!.ToList();
        Assert.Contains(failures, f => f.Contains("nowhere", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'vmware'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("exclude each other", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("relative/exports", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains(Path.Combine(Root, "ok"), StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_HyperV_IsAcceptedOnlyOnWindows()
    {
        var result = Validate(new AgentOptions { Insecure = true, Backend = "hyperv" });

        if (OperatingSystem.IsWindows())
        {
            Assert.True(result.Succeeded);
        }
        else
        {
            Assert.Contains("needs Windows", Assert.Single(result.Failures!), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EffectiveValues_Defaults_LiveUnderTheDataDirectory()
    {
        var options = new AgentOptions { DataDirectory = Root };

        Assert.Equal(OperatingSystem.IsWindows() ? "hyperv" : "lab", options.EffectiveBackend);
        Assert.Equal(Path.Combine(Root, "lab"), options.EffectiveLabDirectory);
        Assert.Equal([Path.Combine(Root, "exports")], options.EffectiveExportRoots);
    }

    [Fact]
    public void EffectiveValues_Configured_WinOverDefaults()
    {
        var options = new AgentOptions
        {
            DataDirectory = Root,
            Backend = "LAB",
            LabDirectory = Path.Combine(Root, "elsewhere"),
            ExportRoots = [Path.Combine(Root, "e1"), Path.Combine(Root, "e2")],
        };

        Assert.Equal("lab", options.EffectiveBackend);
        Assert.Equal(Path.Combine(Root, "elsewhere"), options.EffectiveLabDirectory);
        Assert.Equal([Path.Combine(Root, "e1"), Path.Combine(Root, "e2")], options.EffectiveExportRoots);
    }

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(AgentOptions options) =>
        new AgentOptionsValidator().Validate(null, options);
}
