using HvFleet.Hypervisors.HyperV.Wmi;

namespace HvFleet.Hypervisors.Tests.HyperV.Wmi;

public sealed class WmiValuesTests
{
    [Fact]
    public void ToDateTime_DmtfAbsoluteWithOffset_ParsesMicrosecondsAndOffset()
    {
        var value = WmiValues.ToDateTime("20261122021530.123456+060");

        Assert.Equal(new DateTimeOffset(2026, 11, 22, 2, 15, 30, TimeSpan.FromHours(1)).AddTicks(1234560), value);
    }

    [Fact]
    public void ToDateTime_IntervalOrGarbage_IsNull()
    {
        Assert.Null(WmiValues.ToDateTime("00000000000500.000000:000"));
        Assert.Null(WmiValues.ToDateTime("yesterday"));
        Assert.Null(WmiValues.ToDateTime(null));
    }

    [Fact]
    public void FromDateTime_RoundTrips()
    {
        var now = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromMinutes(-300)).AddTicks(70);

        Assert.Equal(now, WmiValues.ToDateTime(WmiValues.FromDateTime(now)));
    }

    [Fact]
    public void FromInterval_FiveMinutes_IsTheDocumentedTimeBeforeRemoval() =>
        Assert.Equal("00000000000500.000000:000", WmiValues.FromInterval(TimeSpan.FromMinutes(5)));

    [Fact]
    public void QuoteWql_EscapesQuoteAndBackslash() =>
        Assert.Equal(@"'O\'Brien\\x'", WmiValues.QuoteWql(@"O'Brien\x"));

    [Fact]
    public void ReadEmbeddedProperty_MsvmErrorCimXml_ReturnsMessage()
    {
        const string error = "<INSTANCE CLASSNAME=\"Msvm_Error\"><PROPERTY NAME=\"ErrorSource\" TYPE=\"string\"><VALUE>vm</VALUE></PROPERTY>"
            + "<PROPERTY NAME=\"Message\" TYPE=\"string\"><VALUE>Disk full &amp; more</VALUE></PROPERTY></INSTANCE>";

        Assert.Equal("Disk full & more", WmiValues.ReadEmbeddedProperty(error, "Message"));
        Assert.Null(WmiValues.ReadEmbeddedProperty(error, "MessageID"));
        Assert.Null(WmiValues.ReadEmbeddedProperty("plain text", "Message"));
    }

    [Theory]
    [InlineData((byte)7, 7u)]
    [InlineData((ushort)32768, 32768u)]
    [InlineData(4096u, 4096u)]
    [InlineData(12, 12u)]
    public void ToUInt32_AnyCimWidth_Reads(object value, uint expected) => Assert.Equal(expected, WmiValues.ToUInt32(value));
}
