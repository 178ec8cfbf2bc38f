using HvFleet.Security.Clients;
using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using HvFleet.Protos.Agent.V1;
using Grpc.Core;
using HvFleet.Security.Pki;
using HvFleet.Security.Tls;
using Microsoft.Extensions.Logging.Abstractions;

namespace HvFleet.Agent.FunctionalTests;

/// <summary>The real agent behind mutual TLS with certificates from the fleet PKI: roles, audit, expiry, hostile paths, grpcio.</summary>
public sealed class AgentSecurityTests : IAsyncLifetime
{
    private string _pki = null!;
    private string _data = null!;
    private TestAgent _agent = null!;
    private FleetClientTls _operator = null!;

    public async Task InitializeAsync()
    {
        _pki = Directory.CreateTempSubdirectory("hvfleet-agent-pki-").FullName;
        _data = Directory.CreateTempSubdirectory("hvfleet-agent-sec-").FullName;
        var pki = new PkiCommands();
        Assert.True((await pki.InitAsync(_pki, null, CancellationToken.None)).Succeeded);
        foreach (var (name, role) in new[] { ("agent", "viewer"), ("ops", "operator"), ("viewer", "viewer") })
        {
            var issued = await pki.IssueAsync(_pki, name, role, ["localhost"], ["127.0.0.1"], _pki, null, CancellationToken.None);
            Assert.True(issued.Succeeded, issued.Error);
        }

        _operator = Client("ops");
        _agent = await TestAgent.StartAsync(_data, new Dictionary<string, string?>
        {
            ["Agent:InsecureLoopbackTcp"] = "false",
            ["Agent:TlsCertificate"] = Path.Combine(_pki, "agent.crt"),
            ["Agent:TlsKey"] = Path.Combine(_pki, "agent.key"),
            ["Agent:ClientCa"] = Path.Combine(_pki, PkiFiles.CaCertificate),
        }, _operator.CreateChannelOptions("127.0.0.1"));
    }

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        _operator.Dispose();
        Directory.Delete(_pki, recursive: true);
    }

    [Fact]
    public async Task GetHostInfo_OverMutualTls_ReportsTheServingCertificate()
    {
        var info = await _agent.Client.GetHostInfoAsync(new GetHostInfoRequest());

        using var served = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(_pki, "agent.crt"));
        Assert.Equal(served.Subject, info.Certificate.Subject);
        Assert.Equal(Convert.ToHexString(served.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256)), info.Certificate.Thumbprint);
        Assert.False(info.Certificate.ExpiresSoon);
        Assert.Equal(served.NotAfter.ToUniversalTime(), info.Certificate.NotAfter.ToDateTime(), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task DeleteSnapshot_AsOperator_PermissionDeniedNamingAdminAndAudited()
    {
        var snapshot = await SnapshotAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => TestAgent.CollectAsync(_agent.Client.DeleteSnapshot(new DeleteSnapshotRequest { SnapshotId = snapshot, RequestId = "del-1" })));

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.Contains("requires role 'admin'", ex.Status.Detail, StringComparison.Ordinal);
        var audit = await File.ReadAllLinesAsync(Path.Combine(_data, "audit.log"));
        Assert.Contains(audit, l => l.Contains("CreateSnapshot", StringComparison.Ordinal) && l.Contains("\"outcome\":\"OK\"", StringComparison.Ordinal)
            && l.Contains("\"caller\":\"ops\"", StringComparison.Ordinal) && l.Contains("\"job_id\"", StringComparison.Ordinal) && l.Contains("snap-req-1", StringComparison.Ordinal));
        Assert.Contains(audit, l => l.Contains("DeleteSnapshot", StringComparison.Ordinal) && l.Contains("PERMISSION_DENIED", StringComparison.Ordinal));
        Assert.DoesNotContain(audit, l => l.Contains("PRIVATE KEY", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExportSnapshot_HostileDirectory_PermissionDeniedNamingTheRoots()
    {
        var snapshot = await SnapshotAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => TestAgent.CollectAsync(
            _agent.Client.ExportSnapshot(new ExportSnapshotRequest { SnapshotId = snapshot, ExportDirectory = Path.Combine(_agent.ExportRoot, "..", "..", "etc") })));

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.Contains(_agent.ExportRoot, ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListSnapshots_AsViewer_SucceedsButCreateSnapshotIsDenied()
    {
        using var viewerTls = Client("viewer");
        using var channel = FleetChannels.Create(_agent.Address, viewerTls.CreateChannelOptions("localhost"));
        var viewer = new HostAgent.HostAgentClient(channel);

        await viewer.ListSnapshotsAsync(new ListSnapshotsRequest());
        var collection = await _agent.FirstCollectionAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => TestAgent.CollectAsync(viewer.CreateSnapshot(new CreateSnapshotRequest { CollectionId = collection.Id })));

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.Contains("requires role 'operator'", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrpcioClient_OverMutualTlsWithPkiCertificates_RolesApply()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "python", "agent_mtls_client.py");
        var protoRoot = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "protos"));
        var start = new ProcessStartInfo("/usr/bin/python3", [script, $"127.0.0.1:{_agent.Address.Port}", protoRoot, _pki])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("ALL OK", output, StringComparison.Ordinal);
    }

    private async Task<string> SnapshotAsync()
    {
        var collection = await _agent.FirstCollectionAsync();
        var events = await TestAgent.CollectAsync(_agent.Client.CreateSnapshot(new CreateSnapshotRequest
        {
            CollectionId = collection.Id,
            SnapshotType = SnapshotType.Recovery,
            RequestId = "snap-req-1",
        }));
        var job = events[^1].Job;
        Assert.Equal(JobState.Completed, job.State);
        return job.Result.SnapshotIds[0];
    }

    private FleetClientTls Client(string name) => new(
        Path.Combine(_pki, name + ".crt"), Path.Combine(_pki, name + ".key"), Path.Combine(_pki, PkiFiles.CaCertificate),
        TimeProvider.System, NullLoggerFactory.Instance);
}
