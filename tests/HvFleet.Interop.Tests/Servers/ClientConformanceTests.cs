using Google.Protobuf;
using Grpc.Core;
using HvFleet.Interop.Testing;

namespace HvFleet.Interop.Tests.Servers;

/// <summary>
/// Our C# client (Grpc.Net.Client with Grpc.Tools stubs) against an independent TestService server: the interop
/// cases from the client's side. Each server (grpcio, grpc-js) runs the whole suite.
/// </summary>
public abstract class ClientConformanceTests(ExternalTestServer server)
{
    private const string SpecialMessage = "\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \U0001F608\t\n";
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(15);
    private static readonly byte[] TrailingValue = [0xab, 0xab, 0xab];
    private static readonly int[] RequestSizes = [27182, 8, 1828, 45904];
    private static readonly int[] ResponseSizes = [31415, 9, 2653, 58979];

    private TestService.TestServiceClient Client => server.Client;

    [Fact]
    public async Task EmptyCall_EmptyRequest_ReturnsEmpty()
    {
        var response = await Client.EmptyCallAsync(new Empty(), deadline: Deadline());

        Assert.Equal(0, response.CalculateSize());
    }

    [Fact]
    public async Task UnaryCall_LargePayloads_ReturnsRequestedSize()
    {
        var response = await Client.UnaryCallAsync(new SimpleRequest { ResponseSize = 314159, Payload = Payload(271828) }, deadline: Deadline());

        Assert.Equal(314159, response.Payload.Body.Length);
        Assert.All(response.Payload.Body.ToByteArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task StreamingOutputCall_FourSizes_ReturnsThemInOrder()
    {
        var request = new StreamingOutputCallRequest();
        request.ResponseParameters.AddRange(ResponseSizes.Select(size => new ResponseParameters { Size = size }));

        using var call = Client.StreamingOutputCall(request, deadline: Deadline());
        var sizes = await ReadSizesAsync(call.ResponseStream);

        Assert.Equal(ResponseSizes, sizes);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task StreamingInputCall_FourPayloads_AggregatesSizes()
    {
        using var call = Client.StreamingInputCall(deadline: Deadline());
        foreach (var size in RequestSizes)
        {
            await call.RequestStream.WriteAsync(new StreamingInputCallRequest { Payload = Payload(size) });
        }

        await call.RequestStream.CompleteAsync();
        var response = await call;

        Assert.Equal(74922, response.AggregatedPayloadSize);
    }

    [Fact]
    public async Task StreamingInputCall_GzipRequests_ServerAggregatesDecompressedSizes()
    {
        using var call = Client.StreamingInputCall(GzipRequests());
        foreach (var size in RequestSizes)
        {
            await call.RequestStream.WriteAsync(new StreamingInputCallRequest { Payload = Payload(size) });
        }

        await call.RequestStream.CompleteAsync();
        var response = await call;

        Assert.Equal(74922, response.AggregatedPayloadSize);
    }

    [Fact]
    public async Task FullDuplexCall_PingPong_AnswersEachRequestInTurn()
    {
        using var call = Client.FullDuplexCall(deadline: Deadline());
        for (var i = 0; i < RequestSizes.Length; i++)
        {
            var request = new StreamingOutputCallRequest { Payload = Payload(RequestSizes[i]) };
            request.ResponseParameters.Add(new ResponseParameters { Size = ResponseSizes[i] });
            await call.RequestStream.WriteAsync(request);

            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None), $"no response {i + 1}");
            Assert.Equal(ResponseSizes[i], call.ResponseStream.Current.Payload.Body.Length);
        }

        await call.RequestStream.CompleteAsync();

        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task FullDuplexCall_NoMessages_EndsWithOk()
    {
        using var call = Client.FullDuplexCall(deadline: Deadline());
        await call.RequestStream.CompleteAsync();

        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task HalfDuplexCall_ThreeRequests_RepliesAfterHalfClose()
    {
        using var call = Client.HalfDuplexCall(new CallOptions(deadline: Deadline()));
        foreach (var size in ResponseSizes.Take(3))
        {
            var request = new StreamingOutputCallRequest();
            request.ResponseParameters.Add(new ResponseParameters { Size = size });
            await call.RequestStream.WriteAsync(request);
        }

        await call.RequestStream.CompleteAsync();
        var sizes = await ReadSizesAsync(call.ResponseStream);

        Assert.Equal(ResponseSizes.Take(3), sizes);
    }

    [Fact]
    public async Task UnaryCall_EchoMetadata_ReturnsInitialHeaderAndBinaryTrailer()
    {
        using var call = Client.UnaryCallAsync(new SimpleRequest { ResponseSize = 314159, Payload = Payload(271828) }, EchoHeaders(), Deadline());

        var response = await call;
        var headers = await call.ResponseHeadersAsync;

        Assert.Equal(314159, response.Payload.Body.Length);
        Assert.Equal("test_initial_metadata_value", headers.GetValue(TestServiceImpl.EchoInitialHeader));
        Assert.Equal(TrailingValue, call.GetTrailers().GetValueBytes(TestServiceImpl.EchoTrailingHeader));
    }

    [Fact]
    public async Task FullDuplexCall_EchoMetadata_ReturnsInitialHeaderAndBinaryTrailer()
    {
        using var call = Client.FullDuplexCall(EchoHeaders(), Deadline());
        var request = new StreamingOutputCallRequest { Payload = Payload(271828) };
        request.ResponseParameters.Add(new ResponseParameters { Size = 314159 });
        await call.RequestStream.WriteAsync(request);
        await call.RequestStream.CompleteAsync();

        var sizes = await ReadSizesAsync(call.ResponseStream);
        var headers = await call.ResponseHeadersAsync;

        Assert.Equal([314159], sizes);
        Assert.Equal("test_initial_metadata_value", headers.GetValue(TestServiceImpl.EchoInitialHeader));
        Assert.Equal(TrailingValue, call.GetTrailers().GetValueBytes(TestServiceImpl.EchoTrailingHeader));
    }

    [Fact]
    public async Task UnaryCall_EchoStatus_ThrowsWithCodeAndMessage()
    {
        var request = new SimpleRequest { ResponseStatus = new EchoStatus { Code = 2, Message = "test status message" } };

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await Client.UnaryCallAsync(request, deadline: Deadline()));

        Assert.Equal(StatusCode.Unknown, ex.StatusCode);
        Assert.Equal("test status message", ex.Status.Detail);
    }

    [Fact]
    public async Task FullDuplexCall_EchoStatus_ThrowsWithCodeAndMessage()
    {
        using var call = Client.FullDuplexCall(deadline: Deadline());
        await call.RequestStream.WriteAsync(new StreamingOutputCallRequest { ResponseStatus = new EchoStatus { Code = 2, Message = "test status message" } });
        await call.RequestStream.CompleteAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.Unknown, ex.StatusCode);
        Assert.Equal("test status message", ex.Status.Detail);
    }

    [Fact]
    public async Task UnaryCall_SpecialStatusMessage_RoundTripsExactly()
    {
        var request = new SimpleRequest { ResponseStatus = new EchoStatus { Code = 2, Message = SpecialMessage } };

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await Client.UnaryCallAsync(request, deadline: Deadline()));

        Assert.Equal(StatusCode.Unknown, ex.StatusCode);
        Assert.Equal(SpecialMessage, ex.Status.Detail);
    }

    [Fact]
    public async Task UnaryCall_ErrorBeforeAnyMessage_TrailersOnlyCarriesTrailingMetadata()
    {
        // The server fails before sending a message, so status and trailers share one HEADERS frame.
        var request = new SimpleRequest { ResponseStatus = new EchoStatus { Code = (int)StatusCode.FailedPrecondition, Message = "no" } };

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await Client.UnaryCallAsync(request, EchoHeaders(), Deadline()));

        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Equal(TrailingValue, ex.Trailers.GetValueBytes(TestServiceImpl.EchoTrailingHeader));
    }

    [Fact]
    public async Task UnaryCall_GzipRequest_Succeeds()
    {
        var request = new SimpleRequest { ResponseSize = 1000, Payload = Payload(271828), ExpectCompressed = new BoolValue { Value = true } };

        var response = await Client.UnaryCallAsync(request, GzipRequests());

        Assert.Equal(1000, response.Payload.Body.Length);
    }

    [Fact]
    public async Task UnaryCall_CompressedResponse_ReturnsDecompressedPayload()
    {
        var request = new SimpleRequest { ResponseSize = 314159, ResponseCompressed = new BoolValue { Value = true } };

        var response = await Client.UnaryCallAsync(request, deadline: Deadline());

        Assert.Equal(314159, response.Payload.Body.Length);
        Assert.All(response.Payload.Body.ToByteArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task StreamingOutputCall_MixedCompression_ReturnsEveryMessage()
    {
        var request = new StreamingOutputCallRequest();
        request.ResponseParameters.Add(new ResponseParameters { Size = 31415, Compressed = new BoolValue { Value = true } });
        request.ResponseParameters.Add(new ResponseParameters { Size = 92653, Compressed = new BoolValue { Value = false } });

        using var call = Client.StreamingOutputCall(request, deadline: Deadline());

        Assert.Equal([31415, 92653], await ReadSizesAsync(call.ResponseStream));
    }

    [Fact]
    public async Task StreamingOutputCall_DeadlineBeforeSlowResponse_ThrowsDeadlineExceeded()
    {
        var request = new StreamingOutputCallRequest();
        request.ResponseParameters.Add(new ResponseParameters { Size = 1, IntervalUs = 10_000_000 });

        using var call = Client.StreamingOutputCall(request, deadline: Deadline(TimeSpan.FromMilliseconds(200)));
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(CallTimeout));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    [Fact]
    public async Task FullDuplexCall_OneMillisecondDeadline_ThrowsDeadlineExceeded()
    {
        using var call = Client.FullDuplexCall(deadline: Deadline(TimeSpan.FromMilliseconds(1)));
        try
        {
            await call.RequestStream.WriteAsync(new StreamingOutputCallRequest { Payload = Payload(27182) });
        }
        catch (Exception writeError) when (writeError is RpcException or HttpProtocolException)
        {
            // The server's deadline may end the stream while the message is being written, and
            // Grpc.Net.Client then throws what the write saw: seen here, an HttpProtocolException
            // (the grpcio server reset the stream), or an RpcException with the call's status.
            // The call's status is what this case is about, and it is read from the response.
        }

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(CallTimeout));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    [Fact]
    public async Task StreamingOutputCall_CancelAfterFirstResponse_ThrowsCancelled()
    {
        var request = new StreamingOutputCallRequest();
        request.ResponseParameters.Add(new ResponseParameters { Size = 31415 });
        request.ResponseParameters.Add(new ResponseParameters { Size = 9, IntervalUs = 10_000_000 });
        using var cts = new CancellationTokenSource();

        using var call = Client.StreamingOutputCall(request, deadline: Deadline(), cancellationToken: cts.Token);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(31415, call.ResponseStream.Current.Payload.Body.Length);
        await cts.CancelAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(CallTimeout));

        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
    }

    [Fact]
    public async Task StreamingInputCall_CancelBeforeSending_ThrowsCancelled()
    {
        using var cts = new CancellationTokenSource();
        using var call = Client.StreamingInputCall(deadline: Deadline(), cancellationToken: cts.Token);

        await cts.CancelAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(CallTimeout));

        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
    }

    [Fact]
    public async Task UnimplementedCall_OnTestService_ThrowsUnimplemented()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await Client.UnimplementedCallAsync(new Empty(), deadline: Deadline()));

        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }

    [Fact]
    public async Task UnimplementedCall_OnUnimplementedService_ThrowsUnimplemented()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await server.UnimplementedClient.UnimplementedCallAsync(new Empty(), deadline: Deadline()));

        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }

    [Fact]
    public async Task UnaryCall_ResponseOverReceiveLimit_ThrowsResourceExhausted()
    {
        // Our client's default receive limit is 4 MiB; the server's send limit is unlimited.
        var request = new SimpleRequest { ResponseSize = (4 * 1024 * 1024) + 1 };

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await Client.UnaryCallAsync(request, deadline: Deadline()));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    private static DateTime Deadline(TimeSpan? timeout = null) => TimeProvider.System.GetUtcNow().UtcDateTime + (timeout ?? CallTimeout);

    private static Payload Payload(int size) => new() { Body = ByteString.CopyFrom(new byte[size]) };

    /// <summary>grpc-dotnet's per-call request compression: the header names one of the channel's compression providers.</summary>
    private static CallOptions GzipRequests() =>
        new(new Metadata { { "grpc-internal-encoding-request", "gzip" } }, Deadline());

    private static Metadata EchoHeaders() => new()
    {
        { TestServiceImpl.EchoInitialHeader, "test_initial_metadata_value" },
        { TestServiceImpl.EchoTrailingHeader, TrailingValue },
    };

    private static async Task<List<int>> ReadSizesAsync(IAsyncStreamReader<StreamingOutputCallResponse> stream)
    {
        var sizes = new List<int>();
        while (await stream.MoveNext(CancellationToken.None))
        {
            sizes.Add(stream.Current.Payload.Body.Length);
        }

        return sizes;
    }
}
