using HvFleet.ExternalClients.Tests.Clients;
using HvFleet.ExternalClients.Tests.Fleet;
using Xunit.Abstractions;

namespace HvFleet.ExternalClients.Tests;

/// <summary><c>hvfleet.agent.v1.HostAgent</c> from Python (grpcio) and JavaScript (grpc-js) against the real agent:
/// streamed snapshot and export jobs, error statuses, and mutual TLS with the fleet PKI's roles.</summary>
[Collection(FleetCollection.Name)]
public sealed class AgentClientTests(FleetFixture fleet, ITestOutputHelper log)
{
    [Theory]
    [InlineData(ClientScript.Python)]
    [InlineData(ClientScript.Node)]
    public async Task CreateSnapshot_StreamsProgressThenOneCompletedEvent(string language)
    {
        var run = await ClientScript.RunAsync(language, "agent-snapshot", ["--target", fleet.PlainAgent], log, fleet);

        run.AssertCompleted();
        var snapshot = run.Single("snapshot");
        JobStream.AssertProgressThenCompleted(snapshot.GetProperty("events"), $"{language} CreateSnapshot");
        Assert.Single(snapshot.GetProperty("snapshot_ids").EnumerateArray());
        // WatchJob on the finished job: its terminal state at once, then the stream ends with OK.
        var watched = run.Single("watch").GetProperty("events");
        Assert.Equal(1, watched.GetProperty("count").GetInt32());
        Assert.Equal(["JOB_STATE_COMPLETED"], watched.GetProperty("states").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(snapshot.GetProperty("job_id").GetString(), watched.GetProperty("job_ids")[0].GetString());
    }

    [Theory]
    [InlineData(ClientScript.Python)]
    [InlineData(ClientScript.Node)]
    public async Task ExportSnapshot_StreamsProgressAndWritesEveryFileUnderTheExportRoot(string language)
    {
        var run = await ClientScript.RunAsync(language, "agent-export", ["--target", fleet.PlainAgent, "--export-root", fleet.ExportRoot], log, fleet);

        run.AssertCompleted();
        var export = run.Single("export");
        JobStream.AssertProgressThenCompleted(export.GetProperty("events"), $"{language} ExportSnapshot");
        string path = export.GetProperty("export_path").GetString()!;
        Assert.Equal(export.GetProperty("directory").GetString(), path);
        Assert.StartsWith(fleet.ExportRoot + Path.DirectorySeparatorChar, path, StringComparison.Ordinal);
        string manifest = export.GetProperty("manifest_path").GetString()!;
        Assert.Equal(Path.Combine(path, "hvfleet-export.json"), manifest);
        Assert.True(File.Exists(manifest), manifest);
        var files = Directory.GetFiles(path, "*", SearchOption.AllDirectories).Where(f => f != manifest).Select(f => new FileInfo(f)).ToList();
        Assert.Equal(export.GetProperty("exported_files").GetInt32(), files.Count);
        Assert.Equal(export.GetProperty("exported_bytes").GetInt64(), files.Sum(f => f.Length));
        Assert.Contains(files, f => f.Extension == ".vhdx");
    }

    [Theory]
    [InlineData(ClientScript.Python)]
    [InlineData(ClientScript.Node)]
    public async Task BadRequests_StatusesNameTheField(string language)
    {
        var run = await ClientScript.RunAsync(language, "agent-errors", ["--target", fleet.PlainAgent], log, fleet);

        run.AssertCompleted();
        AssertStatus(run, "CreateSnapshot/no-target", "INVALID_ARGUMENT", "target");
        AssertStatus(run, "CreateSnapshot/no-type", "INVALID_ARGUMENT", "snapshot_type");
        AssertStatus(run, "CreateSnapshot/unknown-collection", "NOT_FOUND", "collection_id");
        AssertStatus(run, "ExportSnapshot/no-directory", "INVALID_ARGUMENT", "export_directory");
        AssertStatus(run, "GetJob/unknown", "NOT_FOUND", "job_id");
        AssertStatus(run, "WatchJob/unknown", "NOT_FOUND", "job_id");
    }

    [Theory]
    [InlineData(ClientScript.Python)]
    [InlineData(ClientScript.Node)]
    public async Task MutualTls_ViewerIsRefusedASnapshotAndOperatorTakesOne(string language)
    {
        var run = await ClientScript.RunAsync(language, "agent-mtls", ["--target", fleet.TlsAgent, "--tls-dir", fleet.PkiDirectory], log, fleet);

        run.AssertCompleted();
        var info = run.Single("host-info");
        Assert.StartsWith("CN=agent", info.GetProperty("certificate_subject").GetString(), StringComparison.Ordinal);
        Assert.Equal("BACKEND_LAB", info.GetProperty("backend").GetString());
        AssertStatus(run, "CreateSnapshot/viewer", "PERMISSION_DENIED", "'operator'");
        var snapshot = run.Single("snapshot");
        JobStream.AssertProgressThenCompleted(snapshot.GetProperty("events"), $"{language} CreateSnapshot as operator");
        Assert.Single(snapshot.GetProperty("snapshot_ids").EnumerateArray());
        // Without a client certificate the TLS handshake itself is refused.
        var (code, details) = run.Status("GetHostInfo/no-certificate");
        Assert.True(code is "UNAVAILABLE" or "UNAUTHENTICATED", $"{code}: {details}");
    }

    internal static void AssertStatus(ClientRun run, string call, string code, string detailNames)
    {
        var (actualCode, details) = run.Status(call);
        Assert.True(actualCode == code, $"{run.Language} {call}: expected {code}, got {actualCode}: {details}");
        Assert.Contains(detailNames, details, StringComparison.Ordinal);
    }
}
