using HvFleet.Security.Clients;
using HvFleet.Security.Unix;

namespace HvFleet.Security.Tests.Unix;

public sealed class UnixSocketAddressTests
{
    [Theory]
    [InlineData("unix:/run/hvfleet/hvfleet.sock", "/run/hvfleet/hvfleet.sock")]
    [InlineData("unix:///run/hvfleet/hvfleet.sock", "/run/hvfleet/hvfleet.sock")]
    [InlineData("unix:/tmp/with space#and?marks.sock", "/tmp/with space#and?marks.sock")]
    public void AddressToUri_UnixAddress_RoundTripsThePath(string address, string path)
    {
        var uri = FleetChannels.AddressToUri(address, useTls: true);

        Assert.Equal("unix", uri.Scheme);
        Assert.Equal(path, UnixSocketAddress.PathOf(uri));
    }

    [Theory]
    [InlineData("unix:relative.sock", "absolute")]
    [InlineData("unix:", "absolute")]
    [InlineData("unix:/run/", "directory")]
    public void TryParse_Malformed_SaysWhy(string address, string message)
    {
        Assert.False(UnixSocketAddress.TryParse(address, out _, out var error));
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => FleetChannels.AddressToUri(address, useTls: false));
    }

    [Fact]
    public void TryParse_PathLongerThanSunPath_Refused()
    {
        Assert.True(UnixSocketAddress.TryParse("unix:/" + new string('a', 106), out _, out _));
        Assert.False(UnixSocketAddress.TryParse("unix:/" + new string('a', 107), out _, out var error));
        Assert.Contains("at most 107 bytes", error, StringComparison.Ordinal);
    }
}
