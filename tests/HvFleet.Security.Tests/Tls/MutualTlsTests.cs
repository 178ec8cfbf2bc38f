using HvFleet.Security.Clients;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Grpc.Core;
using HvFleet.Security.Hosting;
using HvFleet.Security.Authorization;
using HvFleet.Security.Pki;
using HvFleet.Security.Tls;
using HvFleet.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace HvFleet.Security.Tests.Tls;

/// <summary>Real TLS handshakes on loopback: a health service behind the fleet's mTLS, roles and audit.</summary>
public sealed class MutualTlsTests : IAsyncLifetime, IDisposable
{
    private const string Check = "/grpc.health.v1.Health/Check";

    private TestPki _pki = null!;
    private FleetServerTls _serverTls = null!;
    private LoopbackGrpcServer _server = null!;
    private string _auditPath = null!;

    public async Task InitializeAsync()
    {
        // The CA dates from a year ago, so certificates can be issued in the past (expired ones).
        _pki = await TestPki.CreateAsync(new ManualTimeProvider(DateTimeOffset.UtcNow.AddYears(-1)));
        _auditPath = Path.Combine(_pki.Directory, "audit", "audit.log");
        var system = new PkiCommands();
        var issued = await system.IssueAsync(_pki.Directory, "agent1", "viewer", ["agent1.fleet.test"], ["127.0.0.1"], _pki.Directory, null, CancellationToken.None);
        Assert.True(issued.Succeeded, issued.Error);
        _serverTls = new FleetServerTls(
            Path.Combine(_pki.Directory, "agent1.crt"), Path.Combine(_pki.Directory, "agent1.key"), _pki.CaCertificate,
            TimeProvider.System, NullLoggerFactory.Instance, pollInterval: TimeSpan.FromMilliseconds(200));
        _server = await LoopbackGrpcServer.StartAsync(
            services =>
            {
                // Check needs operator here, so that viewer is a role too small for it.
                services.AddSingleton(new MethodRoles([new(Check, FleetRole.Operator)]));
                services.AddFleetSecurity(new ConfigurationBuilder().Build(), _auditPath, insecureLoopback: false);
            },
            app => app.MapGrpcService<HealthServiceImpl>(),
            tls: https => _serverTls.Configure(https));
        _server.Services.GetRequiredService<FleetHealth>().SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _pki.Dispose();
    }

    public void Dispose() => _serverTls?.Dispose();

    [Fact]
    public async Task Check_RightRole_Succeeds()
    {
        await IssueSystemAsync("op1", "operator");

        var response = await CallAsync("op1", "127.0.0.1");

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
        var line = Assert.Single(await File.ReadAllLinesAsync(_auditPath));
        Assert.Contains("\"caller\":\"op1\"", line, StringComparison.Ordinal);
        Assert.Contains("\"outcome\":\"OK\"", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_WrongRole_PermissionDeniedNamingTheRoleAndAudited()
    {
        await IssueSystemAsync("view1", "viewer");

        var ex = await Assert.ThrowsAsync<RpcException>(() => CallAsync("view1", "127.0.0.1"));

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.Contains("requires role 'operator'", ex.Status.Detail, StringComparison.Ordinal);
        var audit = await File.ReadAllTextAsync(_auditPath);
        Assert.Contains("\"caller\":\"view1\"", audit, StringComparison.Ordinal);
        Assert.Contains("\"role\":\"viewer\"", audit, StringComparison.Ordinal);
        Assert.Contains("\"outcome\":\"PERMISSION_DENIED\"", audit, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", audit, StringComparison.Ordinal);
        Assert.DoesNotContain("BEGIN", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_NoClientCertificate_FailsTheHandshake()
    {
        using var client = new FleetClientTls(null, null, _pki.CaCertificate, TimeProvider.System, NullLoggerFactory.Instance);
        using var channel = FleetChannels.Create(_server.Address, client.CreateChannelOptions("127.0.0.1"));

        var ex = await Assert.ThrowsAsync<RpcException>(() => new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest()).ResponseAsync);

        Assert.NotEqual(StatusCode.OK, ex.StatusCode);
    }

    [Fact]
    public async Task Call_CertificateFromAnotherCa_FailsTheHandshake()
    {
        using var other = await TestPki.CreateAsync();
        var (certificate, key) = await other.IssueAsync("intruder", "admin");
        using var client = new FleetClientTls(certificate, key, _pki.CaCertificate, TimeProvider.System, NullLoggerFactory.Instance);
        using var channel = FleetChannels.Create(_server.Address, client.CreateChannelOptions("127.0.0.1"));

        var ex = await Assert.ThrowsAsync<RpcException>(() => new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest()).ResponseAsync);

        Assert.NotEqual(StatusCode.OK, ex.StatusCode);
        Assert.False(File.Exists(_auditPath) && (await File.ReadAllTextAsync(_auditPath)).Contains("intruder", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Call_ExpiredCertificate_FailsTheHandshake()
    {
        // Issued 200 days ago for 30 days by the same CA.
        var (certificate, key) = await _pki.IssueAsync("old-admin", "admin", options: new PkiOptions { Validity = TimeSpan.FromDays(30) });
        using (var loaded = X509Certificate2.CreateFromPemFile(certificate, key))
        {
            Assert.True(loaded.NotAfter < DateTime.Now);
        }

        var ex = await Assert.ThrowsAsync<RpcException>(() => CallAsync("old-admin", "127.0.0.1"));

        Assert.NotEqual(StatusCode.OK, ex.StatusCode);
    }

    [Fact]
    public async Task Call_ServerIdentityMismatch_ClientRefusesAndMatchingNameWorks()
    {
        await IssueSystemAsync("op2", "operator");

        var ex = await Assert.ThrowsAsync<RpcException>(() => CallAsync("op2", "agent2.fleet.test"));
        // grpc-dotnet says INTERNAL for a handshake the client refused; HvFleet's callers report it as UNAVAILABLE.
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        var reported = CallFailure.StatusOf(ex);
        Assert.Equal(StatusCode.Unavailable, reported.StatusCode);
        Assert.Contains("TLS handshake failed: The remote certificate was rejected", reported.Detail, StringComparison.Ordinal);

        var response = await CallAsync("op2", "agent1.fleet.test");
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Server_CertificateFilesReplaced_NewConnectionsSeeTheNewCertificateWithoutRestart()
    {
        await IssueSystemAsync("op3", "operator");
        var before = await PresentedThumbprintAsync("op3");
        Assert.Equal(_serverTls.ServerCertificate.Current.Thumbprint, before);
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _serverTls.ServerCertificate.Changed += (_, _) => changed.TrySetResult();

        var reissued = await new PkiCommands().IssueAsync(_pki.Directory, "agent1", "viewer", ["agent1.fleet.test"], ["127.0.0.1"], _pki.Directory, new PkiOptions { Force = true }, CancellationToken.None);
        Assert.True(reissued.Succeeded, reissued.Error);
        await Wait.For(changed.Task);

        using var onDisk = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(_pki.Directory, "agent1.crt"));
        var after = await PresentedThumbprintAsync("op3");
        Assert.NotEqual(before, after);
        Assert.Equal(onDisk.Thumbprint, after);
    }

    [Fact]
    public async Task Expiry_CertificateWithinThirtyDays_IsFlagged()
    {
        Assert.False(_serverTls.ServerCertificate.Expiry.ExpiresSoon);
        var (certificate, key) = await IssueSystemAsync("short", "viewer", TimeSpan.FromDays(10));
        using var reloading = new ReloadingCertificate(certificate, key, TimeProvider.System, NullLogger<ReloadingCertificate>.Instance);

        var expiry = reloading.Expiry;

        Assert.True(expiry.ExpiresSoon);
        Assert.Contains("CN=short", expiry.Subject, StringComparison.Ordinal);
        Assert.Equal(64, expiry.Thumbprint.Length);
        Assert.InRange(expiry.NotAfter - DateTimeOffset.UtcNow, TimeSpan.FromDays(9), TimeSpan.FromDays(10));
    }

    private async Task<(string Certificate, string Key)> IssueSystemAsync(string name, string role, TimeSpan? validity = null)
    {
        var result = await new PkiCommands().IssueAsync(_pki.Directory, name, role, [], [], _pki.Directory, new PkiOptions { Validity = validity ?? TimeSpan.FromDays(365) }, CancellationToken.None);
        Assert.True(result.Succeeded, result.Error);
        return (Path.Combine(_pki.Directory, name + ".crt"), Path.Combine(_pki.Directory, name + ".key"));
    }

    private async Task<HealthCheckResponse> CallAsync(string clientName, string expectedServer)
    {
        using var client = new FleetClientTls(
            Path.Combine(_pki.Directory, clientName + ".crt"), Path.Combine(_pki.Directory, clientName + ".key"), _pki.CaCertificate,
            TimeProvider.System, NullLoggerFactory.Instance);
        using var channel = FleetChannels.Create(_server.Address, client.CreateChannelOptions(expectedServer));
        return await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync;
    }

    /// <summary>The thumbprint of the certificate the server presents on a new connection.</summary>
    private async Task<string> PresentedThumbprintAsync(string clientName)
    {
        string? seen = null;
        using var clientCertificate = X509Certificate2.CreateFromPemFile(Path.Combine(_pki.Directory, clientName + ".crt"), Path.Combine(_pki.Directory, clientName + ".key"));
        var options = new FleetChannelOptions
        {
            ClientCertificateSelection = (_, _, _, _, _) => clientCertificate,
            ServerCertificateValidation = (_, certificate, _, _) =>
            {
                seen = certificate is null ? null : Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA1));
                return certificate is X509Certificate2 server &&
                    CertificateValidator.ValidateServer(server, ReloadingTrustAnchors.Load(_pki.CaCertificate), DateTimeOffset.UtcNow, "127.0.0.1") is null;
            },
        };
        using var channel = FleetChannels.Create(_server.Address, options);
        await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest()).ResponseAsync;
        return seen ?? throw new InvalidOperationException("No server certificate was seen.");
    }
}
