using HvFleet.Agent.Hosting;
using HvFleet.Agent.Jobs;
using HvFleet.Security.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HvFleet.Agent.Tests.Hosting;

public sealed class AgentOptionsTests
{
    private static readonly string Data = Path.Combine(Path.GetTempPath(), "agent-data");

    [Fact]
    public void AddAgentOptions_NothingConfigured_UsesPlatformDefaultsUnderTheDataDirectory()
    {
        var options = Resolve(new Dictionary<string, string?> { ["Agent:DataDirectory"] = Data });

        Assert.Equal(OperatingSystem.IsWindows() ? AgentBackend.HyperV : AgentBackend.Lab, options.Backend);
        Assert.Equal("127.0.0.1:50051", options.Listen);
        Assert.Equal(Path.Combine(Data, "lab"), options.LabDirectory);
        Assert.Equal([Path.Combine(Data, "exports")], options.ExportRoots);
        Assert.False(options.Insecure);
    }

    [Fact]
    public void AddAgentOptions_NoDataDirectory_UsesThePlatformDataFolder()
    {
        var options = Resolve([]);

        Assert.Equal(AgentOptionsDefaults.DefaultDataDirectory(), options.DataDirectory);
        Assert.True(Path.IsPathFullyQualified(options.DataDirectory!));
    }

    [Fact]
    public void AddAgentOptions_CommandLineBeatsEnvironmentBeatsFile()
    {
        var file = new Dictionary<string, string?>
        {
            ["Agent:Listen"] = "127.0.0.1:1",
            ["Agent:DataDirectory"] = Data,
            ["Agent:Backend"] = "Lab",
            ["Agent:ExportRoots:0"] = "/file/a",
            ["Agent:ExportRoots:1"] = "/file/b",
            ["Agent:ExportRoots:2"] = "/file/c",
        };
        var environment = new AgentSettingsOverrides { Listen = "127.0.0.1:2", ExportRoots = ["/env/a", "/env/b"] };
        var commandLine = new AgentSettingsOverrides { Listen = "127.0.0.1:3" };

        var options = Resolve(file, environment, commandLine);

        Assert.Equal("127.0.0.1:3", options.Listen);
        Assert.Equal(["/env/a", "/env/b"], options.ExportRoots);
        Assert.Equal(AgentBackend.Lab, options.Backend);
    }

    [Fact]
    public void AddAgentOptions_CommandLineExportRoots_ReplaceTheFileList()
    {
        var options = Resolve(
            new Dictionary<string, string?> { ["Agent:DataDirectory"] = Data, ["Agent:ExportRoots:0"] = "/a", ["Agent:ExportRoots:1"] = "/b" },
            commandLine: new AgentSettingsOverrides { ExportRoots = ["/only"] });

        Assert.Equal(["/only"], options.ExportRoots);
    }

    [Fact]
    public void AddAgentOptions_InsecureOnWildcardAddress_FailsAtStartWithAClearMessage()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(
            new Dictionary<string, string?> { ["Agent:DataDirectory"] = Data },
            commandLine: new AgentSettingsOverrides { Listen = "0.0.0.0:50051", InsecureLoopbackTcp = true }));

        var failure = Assert.Single(error.Failures);
        Assert.Contains("--insecure", failure, StringComparison.Ordinal);
        Assert.Contains("loopback", failure, StringComparison.Ordinal);
        Assert.Contains("0.0.0.0:50051", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:50051")]
    [InlineData("[::1]:50051")]
    [InlineData("localhost:50051")]
    public void AddAgentOptions_InsecureOnLoopback_IsAccepted(string listen)
    {
        var options = Resolve(
            new Dictionary<string, string?> { ["Agent:DataDirectory"] = Data },
            commandLine: new AgentSettingsOverrides { Listen = listen, InsecureLoopbackTcp = true });

        Assert.True(options.InsecureLoopbackTcp);
    }

    [Theory]
    [InlineData("127.0.0.1:50051")]
    [InlineData("localhost:50051")]
    public void AddAgentOptions_InsecureAloneOnLoopback_RefusedNamingTheUnixSocketAndTheOptIn(string listen)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(
            new Dictionary<string, string?> { ["Agent:DataDirectory"] = Data },
            commandLine: new AgentSettingsOverrides { Listen = listen, Insecure = true }));

        var failure = Assert.Single(error.Failures);
        Assert.Contains("--insecure alone is refused", failure, StringComparison.Ordinal);
        Assert.Contains("--listen unix:/", failure, StringComparison.Ordinal);
        Assert.Contains("--insecure-loopback-tcp", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void AddAgentOptions_LoopbackTcpRole_DefaultsToViewerAndIsConfigurable()
    {
        Assert.Equal(FleetRole.Viewer, Resolve(
            new Dictionary<string, string?> { ["Agent:DataDirectory"] = Data },
            commandLine: new AgentSettingsOverrides { Listen = "127.0.0.1:1", InsecureLoopbackTcp = true }).InsecureLoopbackRole);
        Assert.Equal(FleetRole.Operator, Resolve(
            new Dictionary<string, string?> { ["Agent:DataDirectory"] = Data, ["Agent:InsecureLoopbackTcp"] = "true", ["Agent:InsecureLoopbackRole"] = "operator" },
            commandLine: new AgentSettingsOverrides { Listen = "127.0.0.1:1" }).InsecureLoopbackRole);
    }

    [Fact]
    public void AddAgentOptions_UnixSocket_AcceptedWithoutTls()
    {
        var directory = Directory.CreateTempSubdirectory("hvfleet-sock-");
        try
        {
            var options = Resolve(
                new Dictionary<string, string?> { ["Agent:DataDirectory"] = Data },
                commandLine: new AgentSettingsOverrides { Listen = "unix:" + Path.Combine(directory.FullName, "agent.sock") });

            Assert.StartsWith("unix:/", options.Listen, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void AddAgentOptions_UnixSocketWithTlsOrTheTcpOptIn_RefusedNamingEach()
    {
        var directory = Directory.CreateTempSubdirectory("hvfleet-sock-");
        try
        {
            var error = Assert.Throws<OptionsValidationException>(() => Resolve(
                new Dictionary<string, string?>
                {
                    ["Agent:DataDirectory"] = Data, ["Agent:TlsCertificate"] = "/a.crt", ["Agent:TlsKey"] = "/a.key", ["Agent:ClientCa"] = "/ca.crt",
                },
                commandLine: new AgentSettingsOverrides { Listen = "unix:" + Path.Combine(directory.FullName, "agent.sock"), InsecureLoopbackTcp = true }));

            Assert.Equal(2, error.Failures.Count());
            Assert.Contains(error.Failures, f => f.Contains("--tls-cert/--tls-key/--client-ca do not apply", StringComparison.Ordinal));
            Assert.Contains(error.Failures, f => f.Contains("--insecure-loopback-tcp is for a TCP listen address", StringComparison.Ordinal));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void AddAgentOptions_UnixSocketInAWorldWritableDirectory_Refused()
    {
        var directory = Directory.CreateTempSubdirectory("hvfleet-sock-");
        try
        {
            File.SetUnixFileMode(directory.FullName, (UnixFileMode)0x1FF);

            var error = Assert.Throws<OptionsValidationException>(() => Resolve(
                new Dictionary<string, string?> { ["Agent:DataDirectory"] = Data },
                commandLine: new AgentSettingsOverrides { Listen = "unix:" + Path.Combine(directory.FullName, "agent.sock") }));

            var failure = Assert.Single(error.Failures);
            Assert.Contains("writable by every user", failure, StringComparison.Ordinal);
            Assert.Contains(directory.FullName, failure, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void AddAgentOptions_UnixSocketPathIsARegularFile_RefusedAndTheFileKept()
    {
        var directory = Directory.CreateTempSubdirectory("hvfleet-sock-");
        try
        {
            string path = Path.Combine(directory.FullName, "agent.sock");
            File.WriteAllText(path, "precious");

            var error = Assert.Throws<OptionsValidationException>(() => Resolve(
                new Dictionary<string, string?> { ["Agent:DataDirectory"] = Data },
                commandLine: new AgentSettingsOverrides { Listen = "unix:" + path }));

            Assert.Contains("not a socket", Assert.Single(error.Failures), StringComparison.Ordinal);
            Assert.Equal("precious", File.ReadAllText(path));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void AddAgentOptions_EverythingWrong_ReportsEveryFailure()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(
            new Dictionary<string, string?> { ["Agent:DataDirectory"] = "relative/data", ["Agent:LabDirectory"] = "lab" },
            commandLine: new AgentSettingsOverrides { Listen = "nowhere", ExportRoots = ["/ok", "rel"] }));

        Assert.Equal(4, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.Contains("listen address", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("data directory", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("lab directory", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("export root #2", StringComparison.Ordinal));
    }

    [Fact]
    public void AddAgentOptions_HyperV_IsAcceptedOnlyOnWindows()
    {
        AgentOptions Choose() => Resolve(
            new Dictionary<string, string?> { ["Agent:DataDirectory"] = Data },
            commandLine: new AgentSettingsOverrides { Backend = AgentBackend.HyperV });

        if (OperatingSystem.IsWindows())
        {
            Assert.Equal(AgentBackend.HyperV, Choose().Backend);
        }
        else
        {
            var error = Assert.Throws<OptionsValidationException>(Choose);
            Assert.Contains("needs Windows", Assert.Single(error.Failures), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AddAgentOptions_NeitherTlsNorInsecure_RefusesNamingBothWays()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(
            new Dictionary<string, string?> { ["Agent:DataDirectory"] = Data, ["Agent:Insecure"] = "false" }));
        Assert.Contains("--tls-cert", Assert.Single(error.Failures), StringComparison.Ordinal);
        Assert.Contains("--insecure", error.Failures.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void AddAgentOptions_InsecureWithTls_Refused()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(
            new Dictionary<string, string?> { ["Agent:DataDirectory"] = Data, ["Agent:TlsCertificate"] = "/a.crt", ["Agent:TlsKey"] = "/a.key", ["Agent:ClientCa"] = "/ca.crt" },
            commandLine: new AgentSettingsOverrides { InsecureLoopbackTcp = true }));
        Assert.Contains("exclude each other", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void AddAgentOptions_JobStore_DefaultsToTheDataDirectory()
    {
        using var provider = Build(new Dictionary<string, string?> { ["Agent:DataDirectory"] = Data });

        var store = provider.GetRequiredService<IOptions<SqliteJobStoreOptions>>().Value;

        Assert.Equal(Path.Combine(Data, "jobs.db"), store.DatabasePath);
    }

    private static AgentOptions Resolve(
        Dictionary<string, string?> file, AgentSettingsOverrides? environment = null, AgentSettingsOverrides? commandLine = null)
    {
        using var provider = Build(file, environment, commandLine);
        return provider.GetRequiredService<IOptions<AgentOptions>>().Value;
    }

    private static ServiceProvider Build(
        Dictionary<string, string?> file, AgentSettingsOverrides? environment = null, AgentSettingsOverrides? commandLine = null)
    {
        // TLS files unless a test chooses plaintext: an agent with neither refuses to start.
        var withTransport = new Dictionary<string, string?>(file);
        bool plaintext = (environment?.Insecure ?? commandLine?.Insecure ?? environment?.InsecureLoopbackTcp ?? commandLine?.InsecureLoopbackTcp) is not null
            || file.ContainsKey("Agent:Insecure") || file.ContainsKey("Agent:InsecureLoopbackTcp")
            || (commandLine?.Listen?.StartsWith("unix:", StringComparison.Ordinal) ?? false);
        if (!plaintext)
        {
            withTransport.TryAdd("Agent:TlsCertificate", Path.Combine(Data, "tls", "agent.crt"));
            withTransport.TryAdd("Agent:TlsKey", Path.Combine(Data, "tls", "agent.key"));
            withTransport.TryAdd("Agent:ClientCa", Path.Combine(Data, "tls", "ca.crt"));
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(withTransport).Build();
        var services = new ServiceCollection();
        services.AddAgentOptions(configuration, environment ?? AgentSettingsOverrides.None, commandLine ?? AgentSettingsOverrides.None);
        services.AddSqliteJobStore(configuration);
        return services.BuildServiceProvider();
    }
}
