using System.Text.Json;

namespace HvFleet.Cli.Tests.Functional;

/// <summary>The hvfleet CLI against real lab agents and a real orchestrator, all over gRPC on loopback.</summary>
public sealed class CliFunctionalTests(LabFleetFixture fixture) : IClassFixture<LabFleetFixture>
{
    /// <summary>Runs the CLI with the flags that reach the fixture's orchestrator (address and operator certificate).</summary>
    private Task<CliRun> RunAsync(params string[] args) => CliRun.RunAsync([.. args, .. fixture.Fleet.ClientArguments]);

    [Fact]
    public async Task Snapshot_OneHostFailing_Exit2AndJsonReportNamesEveryTarget()
    {
        var run = await RunAsync("snapshot", "--label", "parity=odd", "--wait", "--max-retries", "0", "--output", "json");

        Assert.Equal(ExitCodes.PartiallyFailed, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        var operation = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("OPERATION_STATE_PARTIALLY_FAILED", operation.GetProperty("state").GetString());
        foreach (string stamp in new[] { "created_at", "started_at", "finished_at" })
        {
            Assert.True(DateTimeOffset.TryParse(operation.GetProperty(stamp).GetString(), out _), stamp);
        }

        var tasks = operation.GetProperty("tasks").EnumerateArray().ToList();
        Assert.Equal(["lab-01", "lab-03"], tasks.Select(t => t.GetProperty("host_name").GetString()).Distinct().Order());
        Assert.All(tasks.Where(t => t.GetProperty("host_name").GetString() == "lab-01"),
            t => Assert.Equal("TASK_OUTCOME_SUCCEEDED", t.GetProperty("outcome").GetString()));
        Assert.All(tasks.Where(t => t.GetProperty("host_name").GetString() == "lab-03"), t =>
        {
            Assert.Equal("TASK_OUTCOME_FAILED", t.GetProperty("outcome").GetString());
            Assert.NotEqual(0u, t.GetProperty("error").GetProperty("hyperv_code").GetUInt32());
        });

        var retry = await RunAsync("ops", "retry", operation.GetProperty("id").GetString()!, "--wait", "--max-retries", "0",
            "--output", "json");

        Assert.Equal(ExitCodes.Failed, retry.ExitCode);
        using var retried = JsonDocument.Parse(retry.Output);
        var retryOperation = Assert.Single(retried.RootElement.EnumerateArray());
        Assert.Equal(operation.GetProperty("id").GetString(), retryOperation.GetProperty("retry_of").GetString());
        Assert.All(retryOperation.GetProperty("tasks").EnumerateArray(), t => Assert.Equal("lab-03", t.GetProperty("host_name").GetString()));
    }

    [Fact]
    public async Task SnapshotThenExport_Succeeds_Exit0AndFilesOnDisk()
    {
        var snapshot = await RunAsync("snapshot", "--host", "lab-02", "--wait", "--output", "json");
        Assert.Equal(ExitCodes.Success, snapshot.ExitCode);
        string id = JsonDocument.Parse(snapshot.Output).RootElement[0].GetProperty("id").GetString()!;

        var export = await RunAsync("export", "--operation", id, "--dest", Path.Combine(fixture.Fleet.ExportRoot, "{host}", "{operation}", "{target}"),
            "--wait", "--output", "json");

        Assert.Equal(ExitCodes.Success, export.ExitCode);
        using var json = JsonDocument.Parse(export.Output);
        var tasks = json.RootElement[0].GetProperty("tasks").EnumerateArray().ToList();
        Assert.NotEmpty(tasks);
        Assert.All(tasks, t =>
        {
            string path = t.GetProperty("export_path").GetString()!;
            Assert.StartsWith(Path.Combine(fixture.Fleet.ExportRoot, "lab-02"), path, StringComparison.Ordinal);
            Assert.NotEmpty(Directory.EnumerateFileSystemEntries(path));
        });

        var show = await RunAsync("ops", "show", id);
        Assert.Equal(ExitCodes.Success, show.ExitCode);
        Assert.Contains("succeeded", show.Output, StringComparison.Ordinal);
        Assert.Contains("lab-02", show.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Snapshot_DryRun_PlanOnlyExit0()
    {
        var run = await RunAsync("snapshot", "--host", "lab-01", "--dry-run", "--output", "json");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var operation = JsonDocument.Parse(run.Output).RootElement[0];
        Assert.Equal("OPERATION_STATE_PLANNED", operation.GetProperty("state").GetString());
        Assert.Equal(3, operation.GetProperty("tasks").GetArrayLength());
        Assert.All(operation.GetProperty("tasks").EnumerateArray(), t => Assert.Equal("", t.GetProperty("agent_job_id").GetString()));
    }

    [Fact]
    public async Task Hosts_Refresh_EveryLabAgentReachable()
    {
        var run = await RunAsync("hosts", "--refresh", "--output", "json");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var hosts = JsonDocument.Parse(run.Output).RootElement.EnumerateArray().ToList();
        Assert.Equal(["lab-01", "lab-02", "lab-03"], hosts.Select(h => h.GetProperty("name").GetString()));
        Assert.All(hosts, h =>
        {
            Assert.Equal("REACHABILITY_REACHABLE", h.GetProperty("reachability").GetString());
            Assert.Equal("BACKEND_LAB", h.GetProperty("backend").GetString());
        });
    }

    [Fact]
    public async Task OpsShow_Unknown_Exit1NotFound()
    {
        var run = await RunAsync("ops", "show", "does-not-exist");

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains("NotFound", run.Error, StringComparison.Ordinal);
    }
}
