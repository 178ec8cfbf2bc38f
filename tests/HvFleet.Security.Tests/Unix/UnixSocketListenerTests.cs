using System.Net.Sockets;
using System.Runtime.Versioning;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using HvFleet.Security.Hosting;
using HvFleet.Security.Unix;
using HvFleet.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace HvFleet.Security.Tests.Unix;

[SupportedOSPlatform("linux")]
public sealed class UnixSocketListenerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hvfleet-uds-").FullName;

    private string SocketPath => Path.Combine(_directory, "rpc.sock");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Call_OverTheUnixSocket_ServerSeesThePeersUidAndPidAndTheSocketIsOwnerOnly()
    {
        var probe = new PeerProbe();
        await using var server = await StartAsync(SocketPath, probe);
        using var channel = server.CreateChannel();

        var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(30));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SocketPath));
        var peer = Assert.IsType<UnixPeerCredentials>(await probe.Peer.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(UnixSocketListener.EffectiveUid, peer.Uid);
        Assert.Equal(Environment.ProcessId, peer.Pid);
        Assert.Equal(SocketPath, peer.SocketPath);
    }

    [Fact]
    public async Task Start_StaleSocketOfADeadServer_IsReplaced()
    {
        // A server that died leaves its socket file behind (.NET's Socket would remove it on Dispose).
        using (var dead = System.Diagnostics.Process.Start("/usr/bin/python3",
            ["-c", "import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1)", SocketPath])!)
        {
            await dead.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(0, dead.ExitCode);
        }

        Assert.True(File.Exists(SocketPath));
        await using var server = await StartAsync(SocketPath, new PeerProbe());
        using var channel = server.CreateChannel();

        var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }

    [Fact]
    public async Task ListenProblems_ALiveServerOnThePath_Refused()
    {
        await using var server = await StartAsync(SocketPath, new PeerProbe());

        var problem = Assert.Single(UnixSocketListener.ListenProblems(SocketPath));
        Assert.Contains("another server is listening", problem, StringComparison.Ordinal);
        Assert.Throws<IOException>(() => UnixSocketListener.CreateBoundSocket(new UnixDomainSocketEndPoint(SocketPath)));
    }

    [Fact]
    public void ListenProblems_ARegularFileOnThePath_RefusedAndKept()
    {
        File.WriteAllText(SocketPath, "keep me");

        Assert.Contains("not a socket", Assert.Single(UnixSocketListener.ListenProblems(SocketPath)), StringComparison.Ordinal);
        Assert.Throws<IOException>(() => UnixSocketListener.CreateBoundSocket(new UnixDomainSocketEndPoint(SocketPath)));
        Assert.Equal("keep me", File.ReadAllText(SocketPath));
    }

    [Fact]
    public void ListenProblems_WorldWritableDirectory_Refused()
    {
        File.SetUnixFileMode(_directory, (UnixFileMode)0x3FF);

        Assert.Contains("writable by every user", Assert.Single(UnixSocketListener.ListenProblems(SocketPath)), StringComparison.Ordinal);
    }

    [Fact]
    public void ListenProblems_DirectoryOfAnotherUser_Refused()
    {
        // Run as root (CI): hand the directory to nobody, who could then replace the socket.
        Assert.Equal(0u, UnixSocketListener.EffectiveUid);
        File.SetUnixFileMode(_directory, (UnixFileMode)0x1ED);
        Chown(_directory, 65534);

        Assert.Contains("belongs to uid 65534", Assert.Single(UnixSocketListener.ListenProblems(SocketPath)), StringComparison.Ordinal);
    }

    [Fact]
    public void CreateBoundSocket_MissingDirectory_CreatedOwnerOnly()
    {
        string nested = Path.Combine(_directory, "run", "rpc.sock");

        using var socket = UnixSocketListener.CreateBoundSocket(new UnixDomainSocketEndPoint(nested));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(nested)!));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(nested));
    }

    private static async Task<LoopbackGrpcServer> StartAsync(string socketPath, PeerProbe probe)
    {
        var server = await LoopbackGrpcServer.StartAsync(
            services => services.AddSingleton(probe),
            app => app.MapGrpcService<HealthServiceImpl>(),
            grpc => grpc.Interceptors.Add<PeerProbe>(),
            unixSocketPath: socketPath);
        server.Services.GetRequiredService<FleetHealth>().SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving);
        return server;
    }

    /// <summary>Records the kernel credentials the listener attached to the first call's connection.</summary>
    private sealed class PeerProbe : CallInterceptor
    {
        public TaskCompletionSource<UnixPeerCredentials?> Peer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override Task InterceptAsync(ServerCallContext context, MethodType kind, Func<Task> continuation)
        {
            Peer.TrySetResult(context.GetHttpContext().Features.Get<UnixPeerCredentials>());
            return continuation();
        }
    }

    private static void Chown(string path, int uid)
    {
        using var chown = System.Diagnostics.Process.Start("chown", [uid.ToString(System.Globalization.CultureInfo.InvariantCulture), path])!;
        chown.WaitForExit();
        Assert.Equal(0, chown.ExitCode);
    }
}
