using Grpc.Core;
using HvFleet.Security.Unix;
using HvFleet.Security.Authorization;
using HvFleet.Security.Hosting;
using HvFleet.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HvFleet.Security.Tests.Authorization;

public sealed class RoleAuthorizationInterceptorTests
{
    private const string Delete = "/hvfleet.agent.v1.HostAgent/DeleteSnapshot";
    private const string Snapshot = "/hvfleet.agent.v1.HostAgent/CreateSnapshot";
    private const string List = "/hvfleet.agent.v1.HostAgent/ListSnapshots";
    private const uint Owner = 1000;

    [Theory]
    [InlineData(Owner)]
    [InlineData(0u)]
    public async Task InterceptAsync_UnixSocketOwnerOrRoot_IsAnAdminNamedByUid(uint uid)
    {
        var context = new FakeServerCallContext(Delete) { Unix = new UnixPeerCredentials(321, uid, uid, "/run/hvfleet/agent.sock") };
        var called = false;

        await Interceptor(new FleetAuthorizationOptions { LocalOwnerUid = Owner }).InterceptAsync(context, () =>
        {
            called = true;
            return Task.CompletedTask;
        });

        Assert.True(called);
        var caller = CallerIdentity.Get(context)!;
        Assert.Equal((FleetRole?)FleetRole.Admin, caller.Role);
        Assert.Equal(uid, caller.Uid);
        Assert.Equal(321, caller.Pid);
        Assert.Equal($"local-uid-{uid}", caller.Name);
    }

    [Fact]
    public async Task InterceptAsync_UnixSocketOtherUid_PermissionDeniedNamingTheUidsAndKeepsTheUidForTheAudit()
    {
        var context = new FakeServerCallContext(List) { Unix = new UnixPeerCredentials(99, 65534, 65534, "/run/hvfleet/agent.sock") };

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Interceptor(new FleetAuthorizationOptions { LocalOwnerUid = Owner }).InterceptAsync(context, () => throw new InvalidOperationException("must not run")));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("uid 65534", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("owner (uid 1000) and root", error.Status.Detail, StringComparison.Ordinal);
        var caller = CallerIdentity.Get(context)!;
        Assert.Null(caller.Role);
        Assert.Equal(65534u, caller.Uid);
    }

    [Fact]
    public async Task InterceptAsync_UnixSocketWithoutOwnerSetting_AcceptsThisProcessUid()
    {
        uint self = UnixSocketListener.EffectiveUid;
        var context = new FakeServerCallContext(Delete) { Unix = new UnixPeerCredentials(1, self, self, "/s") };

        await Interceptor(new FleetAuthorizationOptions()).InterceptAsync(context, () => Task.CompletedTask);

        Assert.Equal(self, CallerIdentity.Get(context)!.Uid);
    }

    [Fact]
    public async Task InterceptAsync_LoopbackTcpByDefault_IsAViewerRefusedForSnapshots()
    {
        var interceptor = Interceptor(new FleetAuthorizationOptions { InsecureLoopback = true });

        await interceptor.InterceptAsync(new FakeServerCallContext(List), () => Task.CompletedTask);
        var context = new FakeServerCallContext(Snapshot);
        var error = await Assert.ThrowsAsync<RpcException>(() => interceptor.InterceptAsync(context, () => Task.CompletedTask));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("insecure-loopback-tcp", CallerIdentity.Get(context)!.Name);
        Assert.Equal((FleetRole?)FleetRole.Viewer, CallerIdentity.Get(context)!.Role);
    }

    [Fact]
    public async Task InterceptAsync_LoopbackTcpWithTheAdminRole_MayDelete()
    {
        var context = new FakeServerCallContext(Delete);

        await Interceptor(new FleetAuthorizationOptions { InsecureLoopback = true, InsecureLoopbackRole = FleetRole.Admin })
            .InterceptAsync(context, () => Task.CompletedTask);

        Assert.Equal((FleetRole?)FleetRole.Admin, CallerIdentity.Get(context)!.Role);
    }

    [Fact]
    public async Task AddFleetSecurity_LoopbackTcp_WarnsAtStartNamingTheRole()
    {
        var logs = new RecordingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(logs));
        services.AddFleetSecurity(new ConfigurationBuilder().Build(), "/tmp/audit.log", insecureLoopback: true, FleetRole.Operator);
        await using var provider = services.BuildServiceProvider();

        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        var warning = Assert.Single(logs.Entries, e => e.EventId.Name == "PlaintextLoopbackTcp");
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("role 'operator'", warning.Message, StringComparison.Ordinal);
        Assert.Contains("unix:", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddFleetSecurity_WithoutLoopbackTcp_DoesNotWarn()
    {
        var logs = new RecordingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(logs));
        services.AddFleetSecurity(new ConfigurationBuilder().Build(), "/tmp/audit.log", insecureLoopback: false);
        await using var provider = services.BuildServiceProvider();

        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    private static RoleAuthorizationInterceptor Interceptor(FleetAuthorizationOptions options) =>
        new(new MethodRoles(), Options.Create(options), NullLogger<RoleAuthorizationInterceptor>.Instance);
}
