using HvFleet.Agent.Hosting;
using HvFleet.Security.Authorization;

namespace HvFleet.Agent.Tests.Hosting;

public sealed class AgentCommandLineTests
{
    [Fact]
    public void Parse_EveryFlag_FillsEveryOverride()
    {
        var parsed = AgentCommandLine.Parse([
            "--listen", "0.0.0.0:7000", "--backend", "hyperv", "--lab-dir", "/srv/lab", "--data-dir", "/var/lib/agent",
            "--export-root", "/exports/a", "--export-root=/exports/b", "--insecure",
        ]);

        Assert.Empty(parsed.Errors);
        Assert.False(parsed.ShowHelp);
        var o = parsed.Overrides;
        Assert.Equal("0.0.0.0:7000", o.Listen);
        Assert.Equal(AgentBackend.HyperV, o.Backend);
        Assert.Equal("/srv/lab", o.LabDirectory);
        Assert.Equal("/var/lib/agent", o.DataDirectory);
        Assert.Equal(["/exports/a", "/exports/b"], o.ExportRoots);
        Assert.True(o.Insecure);
    }

    [Fact]
    public void Parse_NoArguments_OverridesNothing()
    {
        var parsed = AgentCommandLine.Parse([]);

        Assert.Empty(parsed.Errors);
        Assert.Equal(new AgentSettingsOverrides(), parsed.Overrides);
    }

    [Theory]
    [InlineData("--backend", "LAB", (int)AgentBackend.Lab)]
    [InlineData("--backend", "Hyper-V", (int)AgentBackend.HyperV)]
    public void Parse_BackendNames_AreCaseInsensitive(string flag, string value, int expected)
    {
        Assert.Equal((AgentBackend)expected, AgentCommandLine.Parse([flag, value]).Overrides.Backend);
    }

    [Fact]
    public void Parse_BadInput_ReportsEveryProblem()
    {
        var parsed = AgentCommandLine.Parse(["--backend", "vmware", "--listen", "--bogus", "--insecure=maybe", "--data-dir"]);

        Assert.Equal(5, parsed.Errors.Count);
        Assert.Contains(parsed.Errors, e => e.Contains("'vmware'", StringComparison.Ordinal));
        Assert.Contains(parsed.Errors, e => e.Contains("--listen needs a value", StringComparison.Ordinal));
        Assert.Contains(parsed.Errors, e => e.Contains("Unknown argument '--bogus'", StringComparison.Ordinal));
        Assert.Contains(parsed.Errors, e => e.Contains("'maybe'", StringComparison.Ordinal));
        Assert.Contains(parsed.Errors, e => e.Contains("--data-dir needs a value", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_LoopbackTcpOptInAndRole_Parsed()
    {
        var parsed = AgentCommandLine.Parse(["--listen", "unix:/run/hvfleet/agent.sock", "--insecure-loopback-tcp", "--insecure-loopback-role", "Operator"]);

        Assert.Empty(parsed.Errors);
        Assert.Equal("unix:/run/hvfleet/agent.sock", parsed.Overrides.Listen);
        Assert.True(parsed.Overrides.InsecureLoopbackTcp);
        Assert.Equal(FleetRole.Operator, parsed.Overrides.InsecureLoopbackRole);
    }

    [Fact]
    public void Parse_UnknownLoopbackRole_NamesTheFlagAndTheRoles()
    {
        var error = Assert.Single(AgentCommandLine.Parse(["--insecure-loopback-role", "root"]).Errors);

        Assert.Contains("--insecure-loopback-role must be viewer, operator or admin, got 'root'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InsecureFalse_IsExplicit()
    {
        Assert.False(AgentCommandLine.Parse(["--insecure=false"]).Overrides.Insecure);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Parse_Help_AsksForUsage(string flag)
    {
        Assert.True(AgentCommandLine.Parse([flag]).ShowHelp);
        Assert.Contains("--export-root", AgentCommandLine.Usage, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TlsFlags_SetTheFiles()
    {
        var parsed = AgentCommandLine.Parse(["--tls-cert", "/pki/a.crt", "--tls-key=/pki/a.key", "--client-ca", "/pki/ca.crt"]);
        Assert.Empty(parsed.Errors);
        Assert.Equal("/pki/a.crt", parsed.Overrides.TlsCertificate);
        Assert.Equal("/pki/a.key", parsed.Overrides.TlsKey);
        Assert.Equal("/pki/ca.crt", parsed.Overrides.ClientCa);
    }

    [Fact]
    public void Parse_LabInjectionFlags_BecomeLabConfiguration()
    {
        var parsed = AgentCommandLine.Parse(["--lab-latency", "250ms", "--lab-fail-probability", "0.25", "--lab-fail-next", "3", "--lab-disk-size", "1048576"]);
        Assert.Empty(parsed.Errors);
        Assert.Equal("00:00:00.2500000", parsed.Overrides.Configuration["Lab:Faults:Delay"]);
        Assert.Equal("0.25", parsed.Overrides.Configuration["Lab:Faults:FailureProbability"]);
        Assert.Equal("3", parsed.Overrides.Configuration["Lab:Faults:FailNext"]);
        Assert.Equal("1048576", parsed.Overrides.Configuration["Lab:SeedDiskSizeBytes"]);
    }

    [Theory]
    [InlineData("--lab-latency", "soon")]
    [InlineData("--lab-fail-probability", "2")]
    [InlineData("--lab-fail-next", "-1")]
    [InlineData("--lab-disk-size", "0")]
    public void Parse_BadLabValues_NameTheFlag(string flag, string value)
    {
        var parsed = AgentCommandLine.Parse([flag, value]);
        Assert.Contains(parsed.Errors, e => e.StartsWith(flag, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("1.5s", 1500)]
    [InlineData("2m", 120_000)]
    [InlineData("00:00:03", 3000)]
    [InlineData("40ms", 40)]
    public void TryParseDuration_Units(string text, double milliseconds)
    {
        Assert.True(AgentCommandLine.TryParseDuration(text, out var duration));
        Assert.Equal(milliseconds, duration.TotalMilliseconds);
    }
}
