using HvFleet.Agent.Hosting;

namespace HvFleet.Agent.Tests.Hosting;

public sealed class ListenAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:50051", "127.0.0.1", 50051, true)]
    [InlineData("127.8.9.10:1", "127.8.9.10", 1, true)]
    [InlineData("localhost:0", "localhost", 0, true)]
    [InlineData("[::1]:443", "::1", 443, true)]
    [InlineData("0.0.0.0:50051", "0.0.0.0", 50051, false)]
    [InlineData("[::]:50051", "::", 50051, false)]
    [InlineData("agent.example.net:50051", "agent.example.net", 50051, false)]
    public void TryParse_ValidAddress_ParsesHostPortAndLoopback(string text, string host, int port, bool loopback)
    {
        Assert.True(ListenAddress.TryParse(text, out var address, out var error));
        Assert.Null(error);
        Assert.Equal((host, port, loopback), (address.Host, address.Port, address.IsLoopback));
        Assert.Equal(text, address.ToString());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("127.0.0.1", "HOST:PORT")]
    [InlineData("::1:50051", "[ADDRESS]:PORT")]
    [InlineData("[::1]50051", "[IPv6]:PORT")]
    [InlineData("[127.0.0.1]:5", "not an IPv6 address")]
    [InlineData("127.0.0.1:70000", "port number")]
    [InlineData("127.0.0.1:-1", "port number")]
    [InlineData("bad host:1", "host name")]
    public void TryParse_InvalidAddress_SaysWhy(string text, string message)
    {
        Assert.False(ListenAddress.TryParse(text, out _, out var error));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unix:/run/hvfleet/agent.sock", "/run/hvfleet/agent.sock")]
    [InlineData("unix:///run/hvfleet/agent.sock", "/run/hvfleet/agent.sock")]
    public void TryParse_UnixSocket_ParsesThePathAndIsNotLoopbackTcp(string text, string path)
    {
        Assert.True(ListenAddress.TryParse(text, out var address, out var error), error);
        Assert.True(address.IsUnixSocket);
        Assert.Equal(path, address.UnixSocketPath);
        Assert.False(address.IsLoopback);
        Assert.Equal("unix:" + path, address.ToString());
    }

    [Theory]
    [InlineData("unix:agent.sock", "absolute socket path")]
    [InlineData("unix:/run/hvfleet/", "directory")]
    public void TryParse_BadUnixSocket_SaysWhy(string text, string message)
    {
        Assert.False(ListenAddress.TryParse(text, out _, out var error));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_UnixSocketPathLongerThanSunPath_Refused()
    {
        Assert.False(ListenAddress.TryParse("unix:/" + new string('a', 107), out _, out var error));
        Assert.Contains("at most 107 bytes", error, StringComparison.Ordinal);
    }
}
