using System.Collections;
using HvFleet.Agent.Hosting;

namespace HvFleet.Agent.Tests.Hosting;

public sealed class AgentEnvironmentTests
{
    [Fact]
    public void Parse_EveryVariable_FillsEveryOverride()
    {
        var environment = new Hashtable
        {
            ["HVFLEET_AGENT_LISTEN"] = "[::1]:9000",
            ["HVFLEET_AGENT_BACKEND"] = "lab",
            ["HVFLEET_AGENT_LAB_DIR"] = "/lab",
            ["HVFLEET_AGENT_DATA_DIR"] = "/data",
            ["HVFLEET_AGENT_EXPORT_ROOTS"] = "/e1" + Path.PathSeparator + " /e2 " + Path.PathSeparator,
            ["HVFLEET_AGENT_INSECURE"] = "1",
            ["UNRELATED"] = "x",
        };

        var (overrides, errors) = AgentEnvironment.Parse(environment);

        Assert.Empty(errors);
        Assert.Equal("[::1]:9000", overrides.Listen);
        Assert.Equal(AgentBackend.Lab, overrides.Backend);
        Assert.Equal("/lab", overrides.LabDirectory);
        Assert.Equal("/data", overrides.DataDirectory);
        Assert.Equal(["/e1", "/e2"], overrides.ExportRoots);
        Assert.True(overrides.Insecure);
    }

    [Fact]
    public void Parse_BadValues_NameTheVariables()
    {
        var (_, errors) = AgentEnvironment.Parse(new Hashtable { ["HVFLEET_AGENT_BACKEND"] = "xen", ["HVFLEET_AGENT_INSECURE"] = "sure" });

        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("HVFLEET_AGENT_BACKEND", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("HVFLEET_AGENT_INSECURE", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_NothingSet_OverridesNothing()
    {
        var (overrides, errors) = AgentEnvironment.Parse(new Hashtable());

        Assert.Empty(errors);
        Assert.Equal(new AgentSettingsOverrides(), overrides);
    }
}
