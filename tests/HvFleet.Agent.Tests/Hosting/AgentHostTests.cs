using HvFleet.Agent.Hosting;
using Microsoft.Extensions.Options;

namespace HvFleet.Agent.Tests.Hosting;

public sealed class AgentHostTests
{
    [Fact]
    public void Build_InsecureOnWildcardAddress_RefusesBeforeCreatingAnything()
    {
        var data = Path.Combine(Path.GetTempPath(), "hvfleet-agent-host-" + Guid.NewGuid().ToString("N"));
        var (settings, _, errors) = AgentCommandLine.Parse(["--listen", "0.0.0.0:0", "--insecure", "--backend", "lab", "--data-dir", data]);
        Assert.Empty(errors);

        var error = Assert.Throws<OptionsValidationException>(() => AgentHost.Build(settings));

        Assert.Contains(error.Failures, f => f.Contains("--insecure", StringComparison.Ordinal) && f.Contains("loopback", StringComparison.Ordinal));
        Assert.False(Directory.Exists(data));
    }
}
