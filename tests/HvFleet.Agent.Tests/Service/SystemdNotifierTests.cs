using System.Net.Sockets;
using System.Text;
using HvFleet.Agent.Service;

namespace HvFleet.Agent.Tests.Service;

public sealed class SystemdNotifierTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hvfleet-notify-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Notify_SocketPath_DeliversOneDatagramWithTheState()
    {
        var path = Path.Combine(_directory, "notify.sock");
        using var listener = Bind(path);
        var notifier = new SystemdNotifier(path);

        Assert.True(notifier.IsEnabled);
        Assert.True(notifier.Notify("READY=1\nSTATUS=Serving"));

        Assert.Equal("READY=1\nSTATUS=Serving", await ReceiveAsync(listener));
    }

    [Fact]
    public async Task Notify_AbstractNamespaceAddress_Delivers()
    {
        var name = "hvfleet-test-" + Guid.NewGuid().ToString("N");
        using var listener = Bind("\0" + name);
        var notifier = new SystemdNotifier("@" + name);

        Assert.True(notifier.Notify("STOPPING=1"));

        Assert.Equal("STOPPING=1", await ReceiveAsync(listener));
    }

    [Fact]
    public async Task FromEnvironment_NotifySocketSet_UsesIt()
    {
        var path = Path.Combine(_directory, "env.sock");
        using var listener = Bind(path);
        var previous = Environment.GetEnvironmentVariable(SystemdNotifier.SocketVariable);
        Environment.SetEnvironmentVariable(SystemdNotifier.SocketVariable, path);
        try
        {
            Assert.True(SystemdNotifier.FromEnvironment().Notify("READY=1"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(SystemdNotifier.SocketVariable, previous);
        }

        Assert.Equal("READY=1", await ReceiveAsync(listener));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Notify_NoSocket_IsDisabledAndSendsNothing(string? socket)
    {
        var notifier = new SystemdNotifier(socket);

        Assert.False(notifier.IsEnabled);
        Assert.False(notifier.Notify("READY=1"));
    }

    [Theory]
    [InlineData("vsock:2:1234")]
    [InlineData("relative/notify.sock")]
    public void Notify_UnsupportedAddress_ReturnsFalse(string socket) =>
        Assert.False(new SystemdNotifier(socket).Notify("READY=1"));

    [Fact]
    public void Notify_NobodyListening_ReturnsFalseWithoutThrowing() =>
        Assert.False(new SystemdNotifier(Path.Combine(_directory, "absent.sock")).Notify("READY=1"));

    internal static Socket Bind(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    internal static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var count = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, count);
    }
}
