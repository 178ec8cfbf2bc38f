namespace HvFleet.Rpc.Tests;

public class MetadataTests
{
    [Fact]
    public void Add_UpperCaseKey_IsLowered() => Assert.Equal("x-key", new Metadata.Entry("X-Key", "v").Key);

    [Fact]
    public void Add_BinaryValueWithoutBinSuffix_Throws() => Assert.Throws<ArgumentException>(() => new Metadata.Entry("key", new byte[] { 1 }));

    [Fact]
    public void Add_AsciiValueWithBinSuffix_Throws() => Assert.Throws<ArgumentException>(() => new Metadata.Entry("key-bin", "text"));

    [Theory]
    [InlineData("bad key")]
    [InlineData("bad/key")]
    [InlineData("")]
    public void Add_InvalidKey_Throws(string key) => Assert.ThrowsAny<ArgumentException>(() => new Metadata.Entry(key, "v"));

    [Fact]
    public void Add_NonPrintableValue_Throws() => Assert.Throws<ArgumentException>(() => new Metadata.Entry("key", "line\nbreak"));

    [Fact]
    public void GetValue_ReturnsLastEntryForKey()
    {
        var metadata = new Metadata { { "a", "1" }, { "a", "2" }, { "b-bin", new byte[] { 9 } } };
        Assert.Equal("2", metadata.GetValue("a"));
        Assert.Equal(new byte[] { 9 }, metadata.GetValueBytes("b-bin"));
        Assert.Equal(2, metadata.GetAll("a").Count());
    }

    [Fact]
    public void Empty_IsReadOnly() => Assert.Throws<InvalidOperationException>(() => Metadata.Empty.Add("a", "b"));
}
