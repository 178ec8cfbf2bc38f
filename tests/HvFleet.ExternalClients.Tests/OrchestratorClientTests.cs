using System.Text.Json;
using HvFleet.ExternalClients.Tests.Clients;
using HvFleet.ExternalClients.Tests.Fleet;
using Xunit.Abstractions;

namespace HvFleet.ExternalClients.Tests;

/// <summary><c>hvfleet.orchestrator.v1.Fleet</c> from Python (grpcio) and JavaScript (grpc-js) against the real
/// <c>hvfleet serve</c> over mutual TLS, fanning out to two real lab agents: a fleet snapshot and its export watched to
/// the end, error statuses, and roles.</summary>
[Collection(FleetCollection.Name)]
public sealed class OrchestratorClientTests(FleetFixture fleet, ITestOutputHelper log)
{
    /// <summary>VM groups of the lab's sample host.</summary>
    private const int GroupsPerHost = 3;

    [Theory]
    [InlineData(ClientScript.Python)]
    [InlineData(ClientScript.Node)]
    public async Task FleetSnapshotThenExport_TwoAgents_WatchedToSucceeded(string language)
    {
        var run = await ClientScript.RunAsync(language, "fleet-snapshot-export",
            ["--target", fleet.Orchestrator, "--tls-dir", fleet.PkiDirectory, "--export-root", fleet.ExportRoot, "--hosts", "2"], log, fleet);

        run.AssertCompleted();
        Assert.Equal(fleet.HostNames, run.Single("hosts").GetProperty("names").EnumerateArray().Select(n => n.GetString()));

        var snapshot = run.Single("fleet-snapshot");
        AssertWatchedToSucceeded(snapshot, language);
        var snapshotTasks = snapshot.GetProperty("tasks").EnumerateArray().ToList();
        Assert.All(snapshotTasks, t => Assert.Single(t.GetProperty("snapshot_ids").EnumerateArray()));

        var export = run.Single("fleet-export");
        AssertWatchedToSucceeded(export, language);
        foreach (var task in export.GetProperty("tasks").EnumerateArray())
        {
            string path = task.GetProperty("export_path").GetString()!;
            Assert.StartsWith(Path.Combine(fleet.ExportRoot, $"{(language == ClientScript.Python ? "py" : "js")}-{export.GetProperty("id").GetString()}",
                task.GetProperty("host").GetString()!) + Path.DirectorySeparatorChar, path, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(path, "hvfleet-export.json")), $"no manifest in {path}");
            Assert.NotEmpty(Directory.GetFiles(path, "*.vhdx", SearchOption.AllDirectories));
        }

        // Every checkpoint the snapshot operation made was exported, once.
        Assert.Equal(
            snapshotTasks.Select(t => t.GetProperty("snapshot_ids")[0].GetString()).Order(),
            export.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("snapshot_ids")[0].GetString()).Order());
    }

    [Theory]
    [InlineData(ClientScript.Python)]
    [InlineData(ClientScript.Node)]
    public async Task BadRequests_StatusesNameTheField(string language)
    {
        var run = await ClientScript.RunAsync(language, "fleet-errors", ["--target", fleet.Orchestrator, "--tls-dir", fleet.PkiDirectory], log, fleet);

        run.AssertCompleted();
        AgentClientTests.AssertStatus(run, "GetOperation/unknown", "NOT_FOUND", "operation_id");
        AgentClientTests.AssertStatus(run, "WatchOperation/unknown", "NOT_FOUND", "operation_id");
        AgentClientTests.AssertStatus(run, "StartFleetSnapshot/bad-type", "INVALID_ARGUMENT", "snapshot_type");
        AgentClientTests.AssertStatus(run, "StartFleetExport/unknown-operation", "NOT_FOUND", "snapshot_operation_id");
        AgentClientTests.AssertStatus(run, "ListOperations/negative-page", "INVALID_ARGUMENT", "page_size");
    }

    [Theory]
    [InlineData(ClientScript.Python)]
    [InlineData(ClientScript.Node)]
    public async Task MutualTls_ViewerIsRefusedAFleetSnapshotAndOperatorPlansOne(string language)
    {
        var run = await ClientScript.RunAsync(language, "fleet-mtls", ["--target", fleet.Orchestrator, "--tls-dir", fleet.PkiDirectory], log, fleet);

        run.AssertCompleted();
        Assert.Equal(fleet.HostNames, run.Single("hosts").GetProperty("names").EnumerateArray().Select(n => n.GetString()));
        AgentClientTests.AssertStatus(run, "StartFleetSnapshot/viewer", "PERMISSION_DENIED", "'operator'");
        var planned = run.Single("dry-run");
        Assert.Equal("OPERATION_STATE_PLANNED", planned.GetProperty("state").GetString());
        Assert.Equal(fleet.HostNames.Count * GroupsPerHost, planned.GetProperty("tasks").GetInt32());
        var (code, details) = run.Status("ListHosts/no-certificate");
        Assert.True(code is "UNAVAILABLE" or "UNAUTHENTICATED", $"{code}: {details}");
    }

    /// <summary>The stream began with the whole operation, carried task changes, and ended with the operation SUCCEEDED with
    /// one succeeded task per host and VM group.</summary>
    private void AssertWatchedToSucceeded(JsonElement operation, string language)
    {
        string context = $"{language} {operation.GetProperty("kind").GetString()}: {operation}";
        Assert.True(operation.GetProperty("first_has_operation").GetBoolean(), context);
        Assert.True(operation.GetProperty("task_events").GetInt32() > 0, context);
        Assert.Equal("OPERATION_STATE_SUCCEEDED", operation.GetProperty("state").GetString());
        Assert.Equal("OPERATION_STATE_SUCCEEDED", operation.GetProperty("event_states").EnumerateArray().Last().GetString());
        Assert.Contains(operation.GetProperty("started_state").GetString(), new[] { "OPERATION_STATE_PENDING", "OPERATION_STATE_RUNNING" });
        var tasks = operation.GetProperty("tasks").EnumerateArray().ToList();
        Assert.Equal(fleet.HostNames.Count * GroupsPerHost, tasks.Count);
        Assert.All(tasks, t => Assert.Equal("TASK_OUTCOME_SUCCEEDED", t.GetProperty("outcome").GetString()));
        Assert.Equal(fleet.HostNames, tasks.Select(t => t.GetProperty("host").GetString()).Distinct().Order());
    }
}
