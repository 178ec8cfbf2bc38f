using System.Diagnostics;
using HvFleet.Rpc.Tests.Protos;
using HvFleet.Testing;

namespace HvFleet.Rpc.Tests.Functional;

public class DeadlineAndCancellationTests
{
    [Fact]
    public async Task Unary_DeadlinePasses_DeadlineExceededAndHandlerTokenFires()
    {
        var probe = new ServerProbe();
        await using var server = await TestServers.StartAsync(probe);
        var stopwatch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await server.Client().UnaryAsync(new TestRequest { WaitForCancellation = true }, deadline: DateTime.UtcNow.AddMilliseconds(300)));
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.True(await Wait.For(probe.HandlerTokenFired.Task));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ServerStream_SlowStreamPastDeadline_DeadlineExceeded()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        using var call = server.Client().ServerStream(new TestRequest { Count = 3, DelayMs = 2000 }, deadline: DateTime.UtcNow.AddMilliseconds(200));
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(default));
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    [Fact]
    public async Task Deadline_AlreadyPast_FailsWithoutCallingTheServer()
    {
        var probe = new ServerProbe();
        await using var server = await TestServers.StartAsync(probe);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await server.Client().UnaryAsync(new TestRequest(), deadline: DateTime.UtcNow.AddSeconds(-1)));
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.False(probe.CallStarted.Task.IsCompleted);
    }

    [Fact]
    public async Task ServerStream_ClientCancelsAfterFirstMessage_CancelledAndHandlerTokenFires()
    {
        var probe = new ServerProbe();
        await using var server = await TestServers.StartAsync(probe);
        using var cts = new CancellationTokenSource();
        using var call = server.Client().ServerStream(new TestRequest { Count = 1, WaitForCancellation = true }, cancellationToken: cts.Token);
        Assert.True(await call.ResponseStream.MoveNext(default));
        cts.Cancel();
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(default));
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        Assert.True(await Wait.For(probe.HandlerTokenFired.Task));
    }

    [Fact]
    public async Task Duplex_DisposeMidCall_HandlerTokenFires()
    {
        var probe = new ServerProbe();
        await using var server = await TestServers.StartAsync(probe);
        var call = server.Client().Duplex();
        await call.RequestStream.WriteAsync(new TestRequest { WaitForCancellation = true });
        await Wait.For(probe.CallStarted.Task);
        call.Dispose();
        Assert.True(await Wait.For(probe.HandlerTokenFired.Task));
        Assert.Equal(StatusCode.Cancelled, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ClientStreaming_CancelBeforeAnyMessage_Cancelled()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        using var cts = new CancellationTokenSource();
        using var call = server.Client().ClientStream(cancellationToken: cts.Token);
        cts.Cancel();
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await call);
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
    }

    [Fact]
    public async Task Unreachable_Server_IsUnavailable()
    {
        using var channel = HvFleet.Rpc.Client.GrpcChannel.ForAddress("http://127.0.0.1:1");
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await new TestRpc.TestRpcClient(channel).UnaryAsync(new TestRequest()));
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }
}
