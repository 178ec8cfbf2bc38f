using System.Net.Sockets;
using System.Runtime.Versioning;
using HvFleet.Rpc.Tests.Functional;
using HvFleet.Rpc.Tests.Protos;
using HvFleet.Security.Unix;

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
        var probe = new ServerProbe();
        await using var server = await TestServers.StartAsync(probe, unixSocketPath: SocketPath);

        Assert.Equal("over uds", (await server.Client().UnaryAsync(new TestRequest { Text = "over uds" })).Text);

        // A call held open, so that its context can be read.
        var held = new ServerProbe();
        await using var holding = await TestServers.StartAsync(held, unixSocketPath: Path.Combine(_directory, "held.sock"));
        using var call = holding.Client().ServerStream(new TestRequest { WaitForCancellation = true });
        var context = await held.CallStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SocketPath));
        var peer = Assert.IsType<UnixPeerCredentials>(context.UnixPeer);
        Assert.Equal(UnixSocketListener.EffectiveUid, peer.Uid);
        Assert.Equal(Environment.ProcessId, peer.Pid);
        Assert.Equal(Path.Combine(_directory, "held.sock"), peer.SocketPath);
        Assert.Equal("unix:" + peer.SocketPath, context.Peer);
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
        var probe = new ServerProbe();
        await using var server = await TestServers.StartAsync(probe, unixSocketPath: SocketPath);

        Assert.Equal("again", (await server.Client().UnaryAsync(new TestRequest { Text = "again" })).Text);
    }

    [Fact]
    public async Task ListenProblems_ALiveServerOnThePath_Refused()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe(), unixSocketPath: SocketPath);

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

    private static void Chown(string path, int uid)
    {
        using var chown = System.Diagnostics.Process.Start("chown", [uid.ToString(System.Globalization.CultureInfo.InvariantCulture), path])!;
        chown.WaitForExit();
        Assert.Equal(0, chown.ExitCode);
    }
}
