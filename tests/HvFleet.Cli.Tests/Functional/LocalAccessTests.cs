using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using HvFleet.Agent.Hosting;
using HvFleet.Cli.Tests.Functional.Restart;
using HvFleet.Security.Unix;
using HvFleet.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HvFleet.Cli.Tests.Functional;

/// <summary>Plaintext for the local owner only: agents and <c>hvfleet serve</c> on owner-only unix sockets, the peer's uid
/// checked and audited; callers of another uid run as real processes (the hvfleet CLI under <c>setpriv</c> as nobody,
/// which needs the tests to run as root, as CI does).</summary>
[SupportedOSPlatform("linux")]
public sealed class LocalAccessTests(LocalFleetFixture fixture) : IClassFixture<LocalFleetFixture>, IDisposable
{
    private const uint Nobody = 65534;

    private readonly string _directory = CreateTraversableDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Snapshot_OverTheUnixSockets_OwnerIsAdminAndEveryHopAuditsItsUid()
    {
        string orchestratorSocket = SocketPath(fixture.Fleet.OrchestratorAddress);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(orchestratorSocket));
        Assert.All(fixture.Fleet.AgentAddresses, a => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SocketPath(a))));

        var run = await CliRun.RunAsync(["snapshot", "--host", "lab-01", "--wait", "--output", "json", .. fixture.Fleet.ClientArguments]);

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        string id = JsonDocument.Parse(run.Output).RootElement[0].GetProperty("id").GetString()!;
        uint self = UnixSocketListener.EffectiveUid;
        using var started = JsonDocument.Parse(Assert.Single(await AuditLinesAsync(
            Path.Combine(fixture.Fleet.Root.FullName, "orchestrator", "audit.log"), line => line.Contains(id, StringComparison.Ordinal))));
        Assert.Equal(self, started.RootElement.GetProperty("uid").GetUInt32());
        Assert.Equal("admin", started.RootElement.GetProperty("role").GetString());
        Assert.Equal($"local-uid-{self}", started.RootElement.GetProperty("caller").GetString());
        Assert.Equal("unix:" + orchestratorSocket, started.RootElement.GetProperty("peer").GetString());
        var agentLines = await AuditLinesAsync(Path.Combine(fixture.Fleet.Root.FullName, "lab-01", "audit.log"),
            line => line.Contains("CreateSnapshot", StringComparison.Ordinal) && line.Contains("\"OK\"", StringComparison.Ordinal));
        Assert.NotEmpty(agentLines);
        Assert.All(agentLines, line => Assert.Equal(self, JsonDocument.Parse(line).RootElement.GetProperty("uid").GetUInt32()));
    }

    [Fact]
    public async Task Hosts_FromAnotherUid_CannotOpenTheOwnerOnlySocket()
    {
        string audit = Path.Combine(fixture.Fleet.Root.FullName, "orchestrator", "audit.log");
        int before = (await AuditLinesAsync(audit, _ => true)).Count;

        var run = await RunAsNobodyAsync("hosts", "--orchestrator", fixture.Fleet.OrchestratorAddress);

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains("Permission denied", run.Output, StringComparison.Ordinal);
        Assert.Equal(before, (await AuditLinesAsync(audit, _ => true)).Count);
    }

    [Fact]
    public async Task Snapshot_FromAnotherUidThroughALoosenedSocket_PermissionDeniedAndAuditedWithItsUid()
    {
        string socket = SocketPath(fixture.Fleet.OrchestratorAddress);
        File.SetUnixFileMode(socket, (UnixFileMode)0x1B6);
        try
        {
            var run = await RunAsNobodyAsync("snapshot", "--host", "lab-01", "--orchestrator", fixture.Fleet.OrchestratorAddress);

            Assert.Equal(ExitCodes.Failed, run.ExitCode);
            Assert.Contains("PermissionDenied", run.Output, StringComparison.Ordinal);
            Assert.Contains($"uid {Nobody} may not call this server", run.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.SetUnixFileMode(socket, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var denied = await AuditLinesAsync(Path.Combine(fixture.Fleet.Root.FullName, "orchestrator", "audit.log"),
            line => line.Contains($"\"uid\":{Nobody}", StringComparison.Ordinal));
        using var record = JsonDocument.Parse(Assert.Single(denied));
        Assert.Equal("/hvfleet.orchestrator.v1.Fleet/StartFleetSnapshot", record.RootElement.GetProperty("method").GetString());
        Assert.Equal("PERMISSION_DENIED", record.RootElement.GetProperty("outcome").GetString());
        Assert.Equal($"local-uid-{Nobody}", record.RootElement.GetProperty("caller").GetString());
        Assert.True(record.RootElement.GetProperty("pid").GetInt32() > 0);
        Assert.False(record.RootElement.TryGetProperty("role", out _));
    }

    [Fact]
    public async Task Agent_HealthFromAnotherUidThroughALoosenedSocket_PermissionDeniedAndAuditedWithItsUid()
    {
        string socket = Path.Combine(_directory, "agent.sock");
        await using var agent = await StartAgentAsync(new Dictionary<string, string?> { ["Agent:Listen"] = "unix:" + socket });
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket));
        var owner = await CliRun.RunAsync("health", "--address", "unix:" + socket);
        Assert.True(owner.ExitCode == ExitCodes.Success, owner.Error);
        File.SetUnixFileMode(socket, (UnixFileMode)0x1B6);

        var run = await RunAsNobodyAsync("health", "--address", "unix:" + socket);

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains("PermissionDenied", run.Output, StringComparison.Ordinal);
        using var record = JsonDocument.Parse(Assert.Single(await AuditLinesAsync(Path.Combine(_directory, "data", "audit.log"), _ => true)));
        Assert.Equal(Nobody, record.RootElement.GetProperty("uid").GetUInt32());
        Assert.Equal("/grpc.health.v1.Health/Check", record.RootElement.GetProperty("method").GetString());
        Assert.Equal("PERMISSION_DENIED", record.RootElement.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Agent_LoopbackTcpOptIn_LogsAWarningAtStartNamingTheRole()
    {
        var logs = new RecordingLoggerProvider();
        await using var agent = await StartAgentAsync(
            new Dictionary<string, string?> { ["Agent:Listen"] = "127.0.0.1:0", ["Agent:InsecureLoopbackTcp"] = "true" },
            services => services.AddSingleton<ILoggerProvider>(logs));

        var warning = Assert.Single(logs.Entries, e => e.EventId.Name == "PlaintextLoopbackTcp");
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("role 'viewer'", warning.Message, StringComparison.Ordinal);
    }

    private async Task<AsyncDisposableApp> StartAgentAsync(Dictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        settings["Agent:Backend"] = "lab";
        settings["Agent:DataDirectory"] = Path.Combine(_directory, "data");
        settings["Lab:SeedDiskSizeBytes"] = (64 * 1024).ToString(CultureInfo.InvariantCulture);
        settings["Lab:GuestIoEnabled"] = "false";
        settings["Logging:LogLevel:Default"] = "Warning";
        var app = AgentHost.Build(settings, configureServices: services);
        await app.StartAsync();
        return new AsyncDisposableApp(app);
    }

    /// <summary>Runs the hvfleet CLI (this test's build of it) as uid/gid 65534 (nobody); stdout and stderr together.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsNobodyAsync(params string[] args)
    {
        string cli = Path.Combine(NobodyReadableBuild.Value, "hvfleet.dll");
        var start = new ProcessStartInfo("setpriv")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "--", OrchestratorProcess.DotnetHost(), "exec", cli }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HOME"] = Path.GetTempPath();
        start.Environment.Remove("HVFLEET_ORCHESTRATOR");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        string all = await output + await error;

        // 127 or a loader message: nobody could not run the CLI at all (e.g. the build folder is not readable by others).
        Assert.False(all.Contains("cannot access", StringComparison.OrdinalIgnoreCase) || process.ExitCode == 127, $"setpriv/dotnet as nobody failed: {all}");
        return (process.ExitCode, all);
    }

    private static async Task<List<string>> AuditLinesAsync(string path, Func<string, bool> match)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        // A call's audit line is written and flushed before its status is sent, so it is there once the caller has its answer.
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        string text = await reader.ReadToEndAsync();
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(match)];
    }

    private static string SocketPath(string address) =>
        UnixSocketAddress.TryParse(address, out var path, out var error) ? path : throw new ArgumentException(error);

    // The build output may sit where nobody cannot read it (a clone under /root, mode 0700): run a copy of it from a
    // temporary folder that every user can read, made once per test run.
    private static readonly Lazy<string> NobodyReadableBuild = new(CopyBuildForEveryone);

    private static string CopyBuildForEveryone()
    {
        string copy = CreateTraversableDirectory();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(copy, recursive: true);
        foreach (string file in Directory.EnumerateFiles(AppContext.BaseDirectory, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(copy, Path.GetRelativePath(AppContext.BaseDirectory, file));
            string? folder = Path.GetDirectoryName(target);
            if (folder is not null && !Directory.Exists(folder))
            {
                Directory.CreateDirectory(folder, (UnixFileMode)0x1ED);
            }

            File.Copy(file, target);
            File.SetUnixFileMode(target, (UnixFileMode)0x1A4);
        }

        return copy;
    }

    private static string CreateTraversableDirectory()
    {
        string directory = Directory.CreateTempSubdirectory("hvfleet-local-").FullName;
        File.SetUnixFileMode(directory, (UnixFileMode)0x1ED);
        return directory;
    }

    private sealed class AsyncDisposableApp(WebApplication app) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
