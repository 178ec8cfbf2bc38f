using HvFleet.Rpc.Protocol;

namespace HvFleet.Rpc.Tests.Protocol;

public class BinaryHeaderTests
{
    [Theory]
    [InlineData("q6s=")]
    [InlineData("q6s")]
    public void TryDecodeOne_PaddedAndUnpadded_BothAccepted(string value)
    {
        Assert.True(BinaryHeader.TryDecodeOne(value, out var bytes));
        Assert.Equal(new byte[] { 0xAB, 0xAB }, bytes);
    }

    [Fact]
    public void Encode_IsUnpadded() => Assert.Equal("q6urqw", BinaryHeader.Encode([0xAB, 0xAB, 0xAB, 0xAB]));

    [Fact]
    public void TryDecode_CommaJoinedValues_SplitsThem()
    {
        Assert.True(BinaryHeader.TryDecode("AQ==, Ag", out var values));
        Assert.Equal(2, values.Count);
        Assert.Equal(new byte[] { 1 }, values[0]);
        Assert.Equal(new byte[] { 2 }, values[1]);
    }

    [Theory]
    [InlineData("q")]
    [InlineData("qqqqq")]
    [InlineData("!!!!")]
    public void TryDecodeOne_Invalid_IsRejected(string value) => Assert.False(BinaryHeader.TryDecodeOne(value, out _));
}
