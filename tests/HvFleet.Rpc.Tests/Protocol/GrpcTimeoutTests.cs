using HvFleet.Rpc.Protocol;

namespace HvFleet.Rpc.Tests.Protocol;

public class GrpcTimeoutTests
{
    [Theory]
    [InlineData("1H", 3600_000.0)]
    [InlineData("2M", 120_000.0)]
    [InlineData("5S", 5_000.0)]
    [InlineData("4988m", 4_988.0)]
    [InlineData("1500u", 1.5)]
    [InlineData("2000000n", 2.0)]
    [InlineData("99999999S", 99_999_999_000.0)]
    public void TryParse_EachUnit_ParsesDuration(string header, double expectedMs)
    {
        Assert.True(GrpcTimeout.TryParse(header, out var timeout));
        Assert.Equal(expectedMs, timeout.TotalMilliseconds, 3);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("10x")]
    [InlineData("0S")]
    [InlineData("-5S")]
    [InlineData("123456789S")]
    [InlineData(" 5S")]
    [InlineData("1.5S")]
    public void TryParse_Malformed_IsRejected(string? header) => Assert.False(GrpcTimeout.TryParse(header, out _));

    [Theory]
    [InlineData(300.0, "300m")]
    [InlineData(0.2, "1m")]
    [InlineData(99_999_999.0, "99999999m")]
    [InlineData(100_000_000.0, "100000S")]
    public void Encode_FitsEightDigits(double ms, string expected) =>
        Assert.Equal(expected, GrpcTimeout.Encode(TimeSpan.FromMilliseconds(ms)));

    [Fact]
    public void Encode_PastDeadline_SendsOneNanosecond() => Assert.Equal("1n", GrpcTimeout.Encode(TimeSpan.FromSeconds(-1)));

    [Fact]
    public void Encode_VeryLong_UsesHours()
    {
        var encoded = GrpcTimeout.Encode(TimeSpan.FromDays(365 * 300));
        Assert.EndsWith("H", encoded, StringComparison.Ordinal);
        Assert.True(encoded.Length <= 9);
    }

    [Fact]
    public void EncodeThenParse_RoundTrips()
    {
        foreach (var ms in new[] { 1, 999, 1000, 65_432, 3_600_000 })
        {
            Assert.True(GrpcTimeout.TryParse(GrpcTimeout.Encode(TimeSpan.FromMilliseconds(ms)), out var parsed));
            Assert.Equal(ms, parsed.TotalMilliseconds, 3);
        }
    }
}
