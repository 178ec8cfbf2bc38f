using Google.Protobuf;
using HvFleet.Rpc.Tests.Protos;

namespace HvFleet.Rpc.Tests.Functional;

public class CallKindsTests
{
    [Fact]
    public async Task Unary_Echo_ReturnsResponseAndOkStatus()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        var call = server.Client().UnaryAsync(new TestRequest { Text = "hi", ResponseSize = 314_159 });
        var reply = await call;
        Assert.Equal("hi", reply.Text);
        Assert.Equal(314_159, reply.Payload.Length);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Unary_LargeRequest_FlowControlCopesWith271828Bytes()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        var reply = await server.Client().UnaryAsync(new TestRequest { Payload = ByteString.CopyFrom(new byte[271_828]), ResponseSize = 314_159 });
        Assert.Equal(314_159, reply.Payload.Length);
    }

    [Fact]
    public async Task ServerStreaming_FourMessages_ArriveInOrderThenOk()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        using var call = server.Client().ServerStream(new TestRequest { Count = 4, Text = "s", ResponseSize = 100 });
        var indexes = new List<int>();
        await foreach (var reply in call.ResponseStream.ReadAllAsync())
        {
            indexes.Add(reply.Index);
        }

        Assert.Equal([0, 1, 2, 3], indexes);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ServerStreaming_Empty_EndsOk()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        using var call = server.Client().ServerStream(new TestRequest { Count = 0 });
        Assert.False(await call.ResponseStream.MoveNext(default));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ClientStreaming_SumsEveryMessage()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        using var call = server.Client().ClientStream();
        foreach (var size in new[] { 27_182, 8, 1_828, 45_904 })
        {
            await call.RequestStream.WriteAsync(new TestRequest { Payload = ByteString.CopyFrom(new byte[size]) });
        }

        await call.RequestStream.CompleteAsync();
        var reply = await call;
        Assert.Equal(74_922, reply.Total);
    }

    [Fact]
    public async Task ClientStreaming_NoMessages_StillAnswers()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        using var call = server.Client().ClientStream();
        await call.RequestStream.CompleteAsync();
        Assert.Equal(0, (await call).Total);
    }

    [Fact]
    public async Task Duplex_PingPong_EachRequestAnsweredBeforeTheNext()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        using var call = server.Client().Duplex();
        foreach (var text in new[] { "a", "b", "c", "d" })
        {
            await call.RequestStream.WriteAsync(new TestRequest { Text = text, ResponseSize = 10 });
            Assert.True(await call.ResponseStream.MoveNext(default));
            Assert.Equal(text, call.ResponseStream.Current.Text);
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(default));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Duplex_EmptyStream_EndsOk()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        using var call = server.Client().Duplex();
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(default));
    }

    [Fact]
    public async Task Duplex_ErrorStatus_SurfacesOnRead()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        using var call = server.Client().Duplex();
        await call.RequestStream.WriteAsync(new TestRequest { StatusCode = 2, StatusMessage = "test status message" });
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(default));
        Assert.Equal(StatusCode.Unknown, ex.StatusCode);
        Assert.Equal("test status message", ex.Status.Detail);
    }

    [Fact]
    public async Task ManyConcurrentStreams_PastOneHundred_AllComplete()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        using var channel = server.CreateChannel();
        var client = new TestRpc.TestRpcClient(channel);

        // Each stream stays open until every one has started, so more than 100 run at once.
        var calls = Enumerable.Range(0, 150).Select(_ => client.Duplex()).ToList();
        foreach (var call in calls)
        {
            await call.RequestStream.WriteAsync(new TestRequest { Text = "x" });
        }

        foreach (var call in calls)
        {
            Assert.True(await call.ResponseStream.MoveNext(default));
            await call.RequestStream.CompleteAsync();
            Assert.False(await call.ResponseStream.MoveNext(default));
            call.Dispose();
        }
    }
}
