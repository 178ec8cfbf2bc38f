namespace HvFleet.Interop.Tests.Server;

public sealed class InteropServerOptionsTests
{
    [Theory]
    [InlineData(new[] { "--port", "5000" }, 5000)]
    [InlineData(new[] { "--port=0" }, 0)]
    [InlineData(new string[0], 0)]
    public void Parse_Port_IsRead(string[] args, int expected)
    {
        var options = InteropServerOptions.Parse(args, out var error);

        Assert.Null(error);
        Assert.NotNull(options);
        Assert.Equal(expected, options.Port);
        Assert.False(options.UseTls);
        Assert.False(options.BenchStats);
    }

    [Fact]
    public void Parse_TlsWithCertificateOutput_ReadsBoth()
    {
        var options = InteropServerOptions.Parse(["--port", "1", "--tls", "--tls-cert-out", "/tmp/c.pem", "--bench-stats"], out var error);

        Assert.Null(error);
        Assert.NotNull(options);
        Assert.True(options.UseTls);
        Assert.Equal("/tmp/c.pem", options.TlsCertificateOutput);
        Assert.True(options.BenchStats);
    }

    [Theory]
    [InlineData(new[] { "--prot", "1" }, "Unknown argument '--prot'.")]
    [InlineData(new[] { "--port" }, "--port needs a value.")]
    [InlineData(new[] { "--port", "65536" }, "--port must be a number from 0 to 65535, got '65536'.")]
    [InlineData(new[] { "--port", "-1" }, "--port must be a number from 0 to 65535, got '-1'.")]
    [InlineData(new[] { "--port=abc" }, "--port must be a number from 0 to 65535, got 'abc'.")]
    [InlineData(new[] { "--tls-cert-out", "c.pem" }, "--tls-cert-out needs --tls.")]
    [InlineData(new[] { "--tls", "--tls-cert-out" }, "--tls-cert-out needs a file name.")]
    public void Parse_BadArguments_ReturnsNullAndNamesTheProblem(string[] args, string expected)
    {
        var options = InteropServerOptions.Parse(args, out var error);

        Assert.Null(options);
        Assert.Equal(expected, error);
    }
}
