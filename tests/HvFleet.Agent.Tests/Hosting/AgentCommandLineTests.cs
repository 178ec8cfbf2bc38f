using HvFleet.Agent.Hosting;

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
}
