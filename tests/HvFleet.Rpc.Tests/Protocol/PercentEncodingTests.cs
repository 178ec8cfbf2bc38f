using HvFleet.Rpc.Protocol;

namespace HvFleet.Rpc.Tests.Protocol;

public class PercentEncodingTests
{
    [Fact]
    public void Encode_SpecialStatusMessage_RoundTripsExactly()
    {
        const string message = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n";
        var encoded = PercentEncoding.Encode(message);
        Assert.All(encoded, c => Assert.InRange(c, (char)0x20, (char)0x7E));
        Assert.Equal(message, PercentEncoding.Decode(encoded));
    }

    [Theory]
    [InlineData("a,b:c/d?e", "a,b:c/d?e")]
    [InlineData("100%", "100%25")]
    [InlineData("tab\there", "tab%09here")]
    [InlineData("é", "%C3%A9")]
    [InlineData("", "")]
    public void Encode_NarrowRule_KeepsPrintableAsciiExceptPercent(string input, string expected) =>
        Assert.Equal(expected, PercentEncoding.Encode(input));

    [Theory]
    [InlineData("%ZZ", "%ZZ")]
    [InlineData("50%", "50%")]
    [InlineData("%4", "%4")]
    [InlineData("%41%42", "AB")]
    public void Decode_MalformedSequences_NeverFail(string input, string expected) =>
        Assert.Equal(expected, PercentEncoding.Decode(input));
}
