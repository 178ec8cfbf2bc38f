using Google.Protobuf;
using HvFleet.Rpc.Server;
using HvFleet.Rpc.Tests.Protos;

namespace HvFleet.Rpc.Tests;

/// <summary>Records what the server side saw, so tests can await it.</summary>
public sealed class ServerProbe
{
    public TaskCompletionSource<ServerCallContext> CallStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<bool> HandlerTokenFired { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Metadata? LastHeaders { get; set; }
}

/// <summary>The server side of TestRpc: echoes, streams, and fails on request.</summary>
public sealed class TestRpcService(ServerProbe probe) : TestRpc.TestRpcBase
{
    public override async Task<TestReply> Unary(TestRequest request, ServerCallContext context)
    {
        await Prepare(request, context);
        var reply = new TestReply { Text = request.Text, Payload = ByteString.CopyFrom(new byte[request.ResponseSize]), RequestEncoding = context.RequestEncoding };
        foreach (var entry in context.RequestHeaders)
        {
            if (entry.Key.StartsWith("echo-", StringComparison.Ordinal))
            {
                context.ResponseTrailers.Add(entry);
            }
        }

        if (context.RequestHeaders.GetValue("echo-initial") is { } initial)
        {
            await context.WriteResponseHeadersAsync(new Metadata { { "initial", initial } });
        }

        return reply;
    }

    public override async Task ServerStream(TestRequest request, IServerStreamWriter<TestReply> responseStream, ServerCallContext context)
    {
        await Prepare(request, context);
        for (var i = 0; i < request.Count; i++)
        {
            if (request.DelayMs > 0)
            {
                await Task.Delay(request.DelayMs, context.CancellationToken);
            }

            await responseStream.WriteAsync(new TestReply { Index = i, Text = request.Text, Payload = ByteString.CopyFrom(new byte[request.ResponseSize]) });
        }

        if (request.WaitForCancellation)
        {
            await WaitForCancellation(context);
        }
    }

    public override async Task<TestReply> ClientStream(IAsyncStreamReader<TestRequest> requestStream, ServerCallContext context)
    {
        probe.CallStarted.TrySetResult(context);
        var total = 0;
        var texts = new List<string>();
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            total += requestStream.Current.Count + requestStream.Current.Payload.Length;
            texts.Add(requestStream.Current.Text);
            if (requestStream.Current.StatusCode != 0)
            {
                throw new RpcException(new Status((StatusCode)requestStream.Current.StatusCode, requestStream.Current.StatusMessage));
            }
        }

        return new TestReply { Total = total, Text = string.Join(",", texts), RequestEncoding = context.RequestEncoding };
    }

    public override async Task Duplex(IAsyncStreamReader<TestRequest> requestStream, IServerStreamWriter<TestReply> responseStream, ServerCallContext context)
    {
        probe.CallStarted.TrySetResult(context);
        var index = 0;
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            var request = requestStream.Current;
            if (request.StatusCode != 0)
            {
                throw new RpcException(new Status((StatusCode)request.StatusCode, request.StatusMessage));
            }

            if (request.WaitForCancellation)
            {
                await WaitForCancellation(context);
            }

            await responseStream.WriteAsync(new TestReply { Index = index++, Text = request.Text, Payload = ByteString.CopyFrom(new byte[request.ResponseSize]) });
        }
    }

    private async Task Prepare(TestRequest request, ServerCallContext context)
    {
        probe.LastHeaders = context.RequestHeaders;
        probe.CallStarted.TrySetResult(context);
        if (request.CompressResponse)
        {
            context.ResponseCompressionAlgorithm = "gzip";
        }

        if (request.ThrowException)
        {
            // "connection-reset" stands for the transport failing under the handler (a reset while reading a stream).
            throw request.StatusMessage == "connection-reset"
                ? new Microsoft.AspNetCore.Connections.ConnectionResetException("The client reset the connection.")
                : new InvalidOperationException("secret internal detail");
        }

        if (request.StatusCode != 0)
        {
            context.ResponseTrailers.Add("why", "asked");
            throw new RpcException(new Status((StatusCode)request.StatusCode, request.StatusMessage));
        }

        if (request.WaitForCancellation && request.Count == 0)
        {
            await WaitForCancellation(context);
        }
    }

    private async Task WaitForCancellation(ServerCallContext context)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            probe.HandlerTokenFired.TrySetResult(true);
            throw;
        }
    }
}
