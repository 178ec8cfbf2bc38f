using System.Net;
using HvFleet.Agent.Hosting;

namespace HvFleet.Agent.Tests.Hosting;

public sealed class ListenAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:50051", "127.0.0.1", 50051, true)]
    [InlineData("127.8.9.10:1", "127.8.9.10", 1, true)]
    [InlineData("localhost:0", "127.0.0.1", 0, true)]
    [InlineData("[::1]:443", "::1", 443, true)]
    [InlineData("0.0.0.0:50051", "0.0.0.0", 50051, false)]
    [InlineData("*:50051", "0.0.0.0", 50051, false)]
    [InlineData("[::]:50051", "::", 50051, false)]
    [InlineData("10.1.2.3:9", "10.1.2.3", 9, false)]
    public void TryParse_ValidAddress_GivesEndpointAndLoopback(string text, string ip, int port, bool loopback)
    {
        Assert.True(ListenAddress.TryParse(text, out var address, out var error));
        Assert.Null(error);
        Assert.Equal(IPAddress.Parse(ip), address!.Address);
        Assert.Equal((port, loopback), (address.Port, address.IsLoopback));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("127.0.0.1", "HOST:PORT")]
    [InlineData("127.0.0.1:", "HOST:PORT")]
    [InlineData("127.0.0.1:70000", "invalid port")]
    [InlineData("127.0.0.1:-1", "invalid port")]
    [InlineData("127.0.0.1:http", "invalid port")]
    [InlineData("agent.example.net:50051", "IP address")]
    public void TryParse_InvalidAddress_SaysWhy(string text, string message)
    {
        Assert.False(ListenAddress.TryParse(text, out _, out var error));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:5", "127.0.0.1:5")]
    [InlineData("[::1]:5", "[::1]:5")]
    public void ToString_RoundTrips(string text, string expected)
    {
        Assert.True(ListenAddress.TryParse(text, out var address, out _));
        Assert.Equal(expected, address!.ToString());
    }
}
