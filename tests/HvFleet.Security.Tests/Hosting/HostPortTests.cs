using System.Net;
using HvFleet.Security.Hosting;

namespace HvFleet.Security.Tests.Hosting;

public sealed class HostPortTests
{
    [Theory]
    [InlineData("hv01:7443", "hv01", 7443, "hv01:7443")]
    [InlineData("10.1.2.3:1", "10.1.2.3", 1, "10.1.2.3:1")]
    [InlineData("[::1]:7443", "::1", 7443, "[::1]:7443")]
    public void TryParse_Remote_Valid(string text, string host, int port, string written)
    {
        Assert.True(HostPort.TryParse(text, HostPortOptions.Remote, out var hostPort, out var error), error);

        Assert.Equal((host, port, written), (hostPort.Host, hostPort.Port, hostPort.ToString()));
    }

    [Theory]
    [InlineData("hv01", "must be host:port")]
    [InlineData(":7443", "must be host:port")]
    [InlineData("hv01:", "must be host:port")]
    [InlineData("hv01:0", "has an invalid port '0' (1-65535)")]
    [InlineData("hv01:65536", "has an invalid port '65536' (1-65535)")]
    [InlineData("hv01:+1", "has an invalid port '+1' (1-65535)")]
    [InlineData("[fe80::zz]:1", "has an invalid IPv6 address")]
    [InlineData("::1:7443", "must put an IPv6 address in brackets ([::1]:port)")]
    [InlineData("hv 01:7443", "has an invalid host 'hv 01'")]
    [InlineData("*:7443", "has an invalid host '*'")]
    public void TryParse_Remote_Invalid_SaysWhy(string text, string expected)
    {
        Assert.False(HostPort.TryParse(text, HostPortOptions.Remote, out _, out var error));

        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("127.0.0.1:0", "127.0.0.1", 0)]
    [InlineData("localhost:7600", "127.0.0.1", 7600)]
    [InlineData("*:7600", "0.0.0.0", 7600)]
    [InlineData("[::1]:7600", "::1", 7600)]
    public void TryGetEndPoint_Listen_IpLocalhostOrWildcard(string text, string ip, int port)
    {
        Assert.True(HostPort.TryParse(text, HostPortOptions.Listen, out var hostPort, out var error), error);

        Assert.True(hostPort.TryGetEndPoint(out var endPoint));
        Assert.Equal(new IPEndPoint(IPAddress.Parse(ip), port), endPoint);
    }

    [Fact]
    public void TryGetEndPoint_HostName_False()
    {
        Assert.True(HostPort.TryParse("hv01:7600", HostPortOptions.Listen, out var hostPort, out _));

        Assert.False(hostPort.TryGetEndPoint(out var endPoint));
        Assert.Null(endPoint);
    }

    [Fact]
    public void TryParse_ListenPortZero_RemoteRefusesIt()
    {
        Assert.True(HostPort.TryParse("127.0.0.1:0", HostPortOptions.Listen, out _, out _));
        Assert.False(HostPort.TryParse("127.0.0.1:0", HostPortOptions.Remote, out _, out _));
    }

    [Theory]
    [InlineData("hv1:7443", true, "https://hv1:7443/")]
    [InlineData("hv1:7443", false, "http://hv1:7443/")]
    [InlineData("[::1]:7443", false, "http://[::1]:7443/")]
    public void ToUri_SchemeByTls(string text, bool tls, string expected)
    {
        Assert.True(HostPort.TryParse(text, HostPortOptions.Remote, out var hostPort, out _));

        Assert.Equal(expected, hostPort.ToUri(tls).ToString());
    }

    [Theory]
    [InlineData("localhost:1", true)]
    [InlineData("127.0.0.5:1", true)]
    [InlineData("[::1]:1", true)]
    [InlineData("10.0.0.1:1", false)]
    [InlineData("hv01:1", false)]
    public void IsLoopback_LocalhostAndLoopbackLiterals(string text, bool loopback)
    {
        Assert.True(HostPort.TryParse(text, HostPortOptions.Remote, out var hostPort, out _));

        Assert.Equal(loopback, hostPort.IsLoopback);
    }
}
