using HvFleet.Rpc.Tests.Protos;

namespace HvFleet.Rpc.Tests.Functional;

public class StatusAndMetadataTests
{
    [Fact]
    public async Task Unary_ErrorStatus_CarriesCodeMessageAndTrailers()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await server.Client().UnaryAsync(new TestRequest { StatusCode = 9, StatusMessage = "not now" }));
        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Equal("not now", ex.Status.Detail);
        Assert.Equal("asked", ex.Trailers.GetValue("why"));
    }

    [Fact]
    public async Task Unary_SpecialStatusMessage_RoundTripsExactly()
    {
        const string message = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n";
        await using var server = await TestServers.StartAsync(new ServerProbe());
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await server.Client().UnaryAsync(new TestRequest { StatusCode = 2, StatusMessage = message }));
        Assert.Equal(message, ex.Status.Detail);
    }

    [Fact]
    public async Task Unary_Metadata_AsciiAndBinaryEchoedAsHeadersAndTrailers()
    {
        var probe = new ServerProbe();
        await using var server = await TestServers.StartAsync(probe);
        var headers = new Metadata
        {
            { "echo-initial", "test_initial_metadata_value" },
            { "echo-trailing-bin", new byte[] { 0xAB, 0xAB, 0xAB } },
            { "grpc-internal-thing", "must not reach the handler" },
        };
        var call = server.Client().UnaryAsync(new TestRequest(), headers);
        await call;
        var initial = await call.ResponseHeadersAsync;
        Assert.Equal("test_initial_metadata_value", initial.GetValue("initial"));
        Assert.Equal(new byte[] { 0xAB, 0xAB, 0xAB }, call.GetTrailers().GetValueBytes("echo-trailing-bin"));
        Assert.Null(probe.LastHeaders!.GetValue("te"));
        Assert.Null(probe.LastHeaders!.GetValue("content-type"));
        Assert.Null(probe.LastHeaders!.GetValue("grpc-timeout"));
    }

    [Fact]
    public async Task Unary_HandlerThrows_UnknownWithoutLeakingText()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await server.Client().UnaryAsync(new TestRequest { ThrowException = true }));
        Assert.Equal(StatusCode.Unknown, ex.StatusCode);
        Assert.DoesNotContain("secret", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unary_TransportFailsUnderHandler_CancelledNotHandlerError()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe(), o => o.EnableDetailedErrors = true);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await server.Client().UnaryAsync(
            new TestRequest { ThrowException = true, StatusMessage = "connection-reset" }));
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        Assert.DoesNotContain("Exception was thrown by handler", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unary_HandlerThrowsWithDetailedErrors_ShowsText()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe(), o => o.EnableDetailedErrors = true);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await server.Client().UnaryAsync(new TestRequest { ThrowException = true }));
        Assert.Equal(StatusCode.Unknown, ex.StatusCode);
        Assert.Contains("secret internal detail", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownMethod_OfKnownService_IsUnimplemented()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        var method = new Method<TestRequest, TestReply>(MethodType.Unary, TestRpc.ServiceName, "NoSuchMethod", TestRequest.Parser, TestReply.Parser);
        using var channel = server.CreateChannel();
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await channel.CreateCallInvoker().AsyncUnaryCall(method, default, new TestRequest()));
        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
        Assert.Equal("Method is unimplemented.", ex.Status.Detail);
    }

    [Fact]
    public async Task UnknownService_IsUnimplemented()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        var method = new Method<TestRequest, TestReply>(MethodType.ServerStreaming, "no.such.Service", "Call", TestRequest.Parser, TestReply.Parser);
        using var channel = server.CreateChannel();
        using var call = channel.CreateCallInvoker().AsyncServerStreamingCall(method, default, new TestRequest());
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(default));
        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }

    [Fact]
    public async Task NotOverriddenMethod_IsUnimplemented()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await server.Client().NotOverriddenAsync(new TestRequest()));
        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }
}
