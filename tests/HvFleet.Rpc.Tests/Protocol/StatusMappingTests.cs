using HvFleet.Rpc.Protocol;

namespace HvFleet.Rpc.Tests.Protocol;

public class StatusMappingTests
{
    [Theory]
    [InlineData(400, StatusCode.Internal)]
    [InlineData(431, StatusCode.Internal)]
    [InlineData(401, StatusCode.Unauthenticated)]
    [InlineData(403, StatusCode.PermissionDenied)]
    [InlineData(404, StatusCode.Unimplemented)]
    [InlineData(429, StatusCode.Unavailable)]
    [InlineData(502, StatusCode.Unavailable)]
    [InlineData(503, StatusCode.Unavailable)]
    [InlineData(504, StatusCode.Unavailable)]
    [InlineData(200, StatusCode.Unknown)]
    [InlineData(500, StatusCode.Unknown)]
    public void FromHttpStatus_FollowsTheMappingTable(int http, StatusCode expected) =>
        Assert.Equal(expected, StatusMapping.FromHttpStatus(http));

    [Theory]
    [InlineData(0x0, StatusCode.Internal)]
    [InlineData(0x1, StatusCode.Internal)]
    [InlineData(0x2, StatusCode.Internal)]
    [InlineData(0x7, StatusCode.Unavailable)]
    [InlineData(0x8, StatusCode.Cancelled)]
    [InlineData(0xB, StatusCode.ResourceExhausted)]
    [InlineData(0xC, StatusCode.PermissionDenied)]
    public void FromHttp2ErrorCode_FollowsTheRstTable(long code, StatusCode expected) =>
        Assert.Equal(expected, StatusMapping.FromHttp2ErrorCode(code));

    [Theory]
    [InlineData("0", true, StatusCode.OK)]
    [InlineData("14", true, StatusCode.Unavailable)]
    [InlineData("-1", false, StatusCode.Unknown)]
    [InlineData("x", false, StatusCode.Unknown)]
    public void TryParseStatus_DecimalOnly(string value, bool ok, StatusCode expected)
    {
        Assert.Equal(ok, StatusMapping.TryParseStatus(value, out var code));
        if (ok)
        {
            Assert.Equal(expected, code);
        }
    }
}
