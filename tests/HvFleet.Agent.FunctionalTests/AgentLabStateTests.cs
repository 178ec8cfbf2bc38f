using System.Diagnostics;
using System.Security.Cryptography;
using Grpc.Health.V1;
using HvFleet.Agent.Hosting;
using HvFleet.Security.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace HvFleet.Agent.FunctionalTests;

/// <summary>An agent whose lab state file is missing or damaged refuses to start: one line, exit code 1, never SERVING, nothing deleted.</summary>
public sealed class AgentLabStateTests : IAsyncLifetime
{
    private TestAgent _seeded = null!;

    private string LabDirectory => Path.Combine(_seeded.DataDirectory, "lab");

    private string StateFile => Path.Combine(LabDirectory, "lab-state.json");

    public async Task InitializeAsync()
    {
        _seeded = await TestAgent.StartAsync();
        Assert.NotEmpty((await _seeded.FirstCollectionAsync()).MemberVmIds);
        await _seeded.StopAsync();
    }

    public async Task DisposeAsync() => await _seeded.DisposeAsync();

    [Fact]
    public async Task Start_LabStateFileDeletedWithVmDisks_RefusedNeverServingNothingDeleted()
    {
        File.Delete(StateFile);
        var before = Listing();
        var app = AgentHost.Build(new Dictionary<string, string?>
        {
            ["Agent:Listen"] = "127.0.0.1:0",
            ["Agent:InsecureLoopbackTcp"] = "true",
            ["Agent:DataDirectory"] = _seeded.DataDirectory,
            ["Logging:LogLevel:Default"] = "None",
        });
        var health = app.Services.GetRequiredService<FleetHealth>();

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());
        await app.DisposeAsync();

        var refused = AgentStartRefusal.Find(ex);
        Assert.NotNull(refused);
        Assert.Contains(StateFile, refused.Message, StringComparison.Ordinal);
        Assert.True(health.TryGetStatus("", out var status));
        Assert.NotEqual(HealthCheckResponse.Types.ServingStatus.Serving, status);
        Assert.Equal(before, Listing());
    }

    [Fact]
    public async Task Executable_DamagedLabStateFile_OneLineOnStandardErrorAndExitCode1()
    {
        await File.WriteAllTextAsync(StateFile, "{ \"version\": 1, \"vms\": [");
        var before = Listing();
        string agent = typeof(AgentHost).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", [agent, "--data-dir", _seeded.DataDirectory, "--listen", "127.0.0.1:0", "--insecure-loopback-tcp"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Path.GetDirectoryName(agent)!,
        };

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        string error = await stderr;
        string output = await stdout;
        Assert.True(process.ExitCode == 1, $"exit code {process.ExitCode}; stdout: {output}; stderr: {error}");
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("hvfleet-agent: refusing to start: ", line, StringComparison.Ordinal);
        Assert.Contains($"'{StateFile}' is damaged", line, StringComparison.Ordinal);
        Assert.Contains(StateFile + ".prev", line, StringComparison.Ordinal);
        Assert.Equal(before, Listing());
    }

    private List<(string Path, string Content)> Listing() =>
        Directory.EnumerateFileSystemEntries(LabDirectory, "*", SearchOption.AllDirectories)
            .Select(e => (Path.GetRelativePath(LabDirectory, e), File.Exists(e) ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(e))) : "dir"))
            .OrderBy(e => e.Item1, StringComparer.Ordinal)
            .ToList();
}
