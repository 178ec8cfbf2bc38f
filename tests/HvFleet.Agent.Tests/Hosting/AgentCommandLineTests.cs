using HvFleet.Agent.Hosting;

namespace HvFleet.Agent.Tests.Hosting;

public sealed class AgentCommandLineTests
{
    [Fact]
    public void Parse_EveryAgentFlag_MapsToItsConfigurationKey()
    {
        var (settings, help, errors) = AgentCommandLine.Parse([
            "--listen", "0.0.0.0:7000", "--backend", "hyperv", "--lab-dir", "/srv/lab", "--data-dir=/var/lib/agent",
            "--export-root", "/exports/a", "--export-root=/exports/b", "--insecure",
            "--tls-cert", "/pki/agent.pem", "--tls-key", "/pki/agent.key", "--client-ca", "/pki/ca.pem",
        ]);

        Assert.Empty(errors);
        Assert.False(help);
        Assert.Equal("0.0.0.0:7000", settings["Agent:Listen"]);
        Assert.Equal("hyperv", settings["Agent:Backend"]);
        Assert.Equal("/srv/lab", settings["Agent:LabDirectory"]);
        Assert.Equal("/var/lib/agent", settings["Agent:DataDirectory"]);
        Assert.Equal("/exports/a", settings["Agent:ExportRoots:0"]);
        Assert.Equal("/exports/b", settings["Agent:ExportRoots:1"]);
        Assert.Equal("true", settings["Agent:Insecure"]);
        Assert.Equal("/pki/agent.pem", settings["Agent:TlsCertificate"]);
        Assert.Equal("/pki/agent.key", settings["Agent:TlsKey"]);
        Assert.Equal("/pki/ca.pem", settings["Agent:ClientCa"]);
    }

    [Fact]
    public void Parse_LabFlags_MapToLabFaultSettings()
    {
        var (settings, _, errors) = AgentCommandLine.Parse([
            "--lab-latency", "250ms", "--lab-fail-probability", "0.25", "--lab-fail-next", "3", "--lab-disk-size", "1048576",
        ]);

        Assert.Empty(errors);
        Assert.Equal(TimeSpan.FromMilliseconds(250).ToString("c"), settings["Lab:Faults:Delay"]);
        Assert.Equal("0.25", settings["Lab:Faults:FailureProbability"]);
        Assert.Equal("3", settings["Lab:Faults:FailNext"]);
        Assert.Equal("1048576", settings["Lab:SeedDiskSizeBytes"]);
    }

    [Fact]
    public void Parse_ConfigurationOverride_PassesThrough()
    {
        var (settings, _, errors) = AgentCommandLine.Parse(["--Jobs:MaxConcurrentSnapshots=4", "--Jobs:MaxQueuedJobs", "8"]);

        Assert.Empty(errors);
        Assert.Equal("4", settings["Jobs:MaxConcurrentSnapshots"]);
        Assert.Equal("8", settings["Jobs:MaxQueuedJobs"]);
    }

    [Fact]
    public void Parse_NoArguments_SetsNothing()
    {
        var (settings, help, errors) = AgentCommandLine.Parse([]);

        Assert.Empty(settings);
        Assert.False(help);
        Assert.Empty(errors);
    }

    [Fact]
    public void Parse_BadInput_ReportsEveryProblemNamingTheFlag()
    {
        var (_, _, errors) = AgentCommandLine.Parse(["--listen", "--bogus", "--lab-latency", "soon", "--data-dir"]);

        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.Contains("--listen needs a value", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'--bogus'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("--lab-latency 'soon'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("--data-dir needs a value", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Parse_Help_AsksForUsage(string flag)
    {
        Assert.True(AgentCommandLine.Parse([flag]).Help);
        foreach (var documented in new[] { "--listen", "--backend", "--lab-dir", "--data-dir", "--export-root", "--insecure" })
        {
            Assert.Contains(documented, AgentCommandLine.Usage, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("2s", 2000)]
    [InlineData("1.5s", 1500)]
    [InlineData("3m", 180_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("00:00:02", 2000)]
    public void TryParseDuration_Valid_GivesTheDuration(string text, double milliseconds)
    {
        Assert.True(AgentCommandLine.TryParseDuration(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1s")]
    [InlineData("fast")]
    [InlineData("-00:00:01")]
    public void TryParseDuration_Invalid_IsRefused(string text)
    {
        Assert.False(AgentCommandLine.TryParseDuration(text, out _));
    }
}
