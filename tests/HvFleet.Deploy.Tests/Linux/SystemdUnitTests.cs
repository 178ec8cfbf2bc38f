namespace HvFleet.Deploy.Tests.Linux;

public sealed class SystemdUnitTests
{
    public static TheoryData<string, string, string> Units => new()
    {
        { "hvfleet-orchestrator.service", "hvfleet", "hvfleet" },
        { "hvfleet-agent.service", "hvfleet-agent", "hvfleet-agent" },
    };

    [Theory]
    [MemberData(nameof(Units))]
    public void Unit_Service_IsNotifyTypeUnderItsOwnUserWithStateUnderVarLib(string file, string user, string stateDirectory)
    {
        var unit = SystemdUnit.Load(RepositoryPaths.Deploy("linux", file));

        Assert.Equal(["Unit", "Service", "Install"], unit.Sections);
        Assert.Equal("notify", unit.Get("Service", "Type"));
        Assert.Equal("main", unit.Get("Service", "NotifyAccess"));
        Assert.Equal(user, unit.Get("Service", "User"));
        Assert.Equal(stateDirectory, unit.Get("Service", "StateDirectory"));
        Assert.Contains("/var/lib/" + stateDirectory, unit.Get("Service", "ReadWritePaths"), StringComparison.Ordinal);
        Assert.Equal("on-failure", unit.Get("Service", "Restart"));
        Assert.Equal("multi-user.target", unit.Get("Install", "WantedBy"));
    }

    [Theory]
    [MemberData(nameof(Units))]
    public void Unit_Hardening_DropsEveryPrivilege(string file, string user, string stateDirectory)
    {
        _ = (user, stateDirectory);
        var unit = SystemdUnit.Load(RepositoryPaths.Deploy("linux", file));

        Assert.Equal("strict", unit.Get("Service", "ProtectSystem"));
        Assert.Equal("yes", unit.Get("Service", "NoNewPrivileges"));
        Assert.Equal("yes", unit.Get("Service", "PrivateTmp"));
        Assert.Equal("yes", unit.Get("Service", "ProtectHome"));
        Assert.Equal("", unit.Get("Service", "CapabilityBoundingSet"));
        Assert.Equal("", unit.Get("Service", "AmbientCapabilities"));
        Assert.Equal("0077", unit.Get("Service", "UMask"));
        Assert.Contains("@system-service", unit.All("Service", "SystemCallFilter"));
    }

    [Fact]
    public void Orchestrator_ExecStart_ServesWithInventoryDataDirAndMutualTls()
    {
        var unit = SystemdUnit.Load(RepositoryPaths.Deploy("linux", "hvfleet-orchestrator.service"));

        var arguments = unit.Get("Service", "ExecStart")!.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(["/opt/hvfleet/hvfleet", "serve"], arguments[..2]);
        var flags = Flags(arguments[2..]);
        Assert.Equal("/var/lib/hvfleet", flags["--data-dir"]);
        Assert.Equal("/etc/hvfleet/inventory.yaml", flags["--inventory"]);
        Assert.Matches(@"^0\.0\.0\.0:\d+$", flags["--listen"]);
        Assert.All(new[] { "--tls-cert", "--tls-key", "--client-ca" }, f => Assert.StartsWith("/etc/hvfleet/tls/", flags[f], StringComparison.Ordinal));

        // mTLS towards the agents, with the flags `hvfleet serve` has for it.
        Assert.All(new[] { "--agents-ca", "--client-cert", "--client-key" }, f => Assert.StartsWith("/etc/hvfleet/tls/", flags[f], StringComparison.Ordinal));
        var serve = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "orchestrator", "HvFleet.Cli", "Commands", "ServeCommand.cs"));
        Assert.All(new[] { "--listen", "--inventory", "--data-dir", "--agents-ca", "--client-cert", "--client-key" }, f => Assert.Contains('"' + f + '"', serve, StringComparison.Ordinal));
        Assert.DoesNotContain("--insecure", arguments);
        Assert.DoesNotContain("--agents-insecure", arguments);
    }

    [Fact]
    public void Agent_ExecStart_UsesAgentFlagsWithTheLabBackendAndTls()
    {
        var unit = SystemdUnit.Load(RepositoryPaths.Deploy("linux", "hvfleet-agent.service"));

        var arguments = unit.Get("Service", "ExecStart")!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var flags = Flags(arguments[1..]);

        Assert.Equal("/opt/hvfleet-agent/hvfleet-agent", arguments[0]);
        Assert.Equal("lab", flags["--backend"]);
        Assert.Equal("/var/lib/hvfleet-agent", flags["--data-dir"]);
        Assert.StartsWith("/var/lib/hvfleet-agent/", flags["--export-root"], StringComparison.Ordinal);
        Assert.All(new[] { "--tls-cert", "--tls-key", "--client-ca" }, f => Assert.StartsWith("/etc/hvfleet-agent/tls/", flags[f], StringComparison.Ordinal));

        // Every flag is one the agent's usage documents.
        var usage = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "agent", "HvFleet.Agent", "Hosting", "AgentCommandLine.cs"));
        Assert.All(flags.Keys, f => Assert.Contains(f + " ", usage, StringComparison.Ordinal));
    }

    [Fact]
    public void Agent_StopTimeout_OutlastsTheJobDrainGracePeriod()
    {
        var unit = SystemdUnit.Load(RepositoryPaths.Deploy("linux", "hvfleet-agent.service"));
        var settings = System.Text.Json.JsonDocument.Parse(File.ReadAllText(RepositoryPaths.Deploy("linux", "appsettings.lab.json")));

        var drain = TimeSpan.Parse(settings.RootElement.GetProperty("Jobs").GetProperty("DrainGracePeriod").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(TimeSpan.FromSeconds(int.Parse(unit.Get("Service", "TimeoutStopSec")!, System.Globalization.CultureInfo.InvariantCulture)) > drain * 2);
    }

    private static Dictionary<string, string> Flags(string[] arguments)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < arguments.Length; i++)
        {
            Assert.StartsWith("--", arguments[i], StringComparison.Ordinal);
            var value = i + 1 < arguments.Length && !arguments[i + 1].StartsWith("--", StringComparison.Ordinal) ? arguments[++i] : "";
            flags.Add(arguments[i - (value.Length > 0 ? 1 : 0)], value);
        }

        return flags;
    }
}
