using Google.Protobuf;
using Grpc.Core;

namespace HvFleet.Interop.Testing;

/// <summary>
/// grpc.testing.TestService as the interop test description asks (reference §4): echo metadata,
/// echo status, compressed responses (response_compressed / ResponseParameters.compressed, gzip),
/// the CompressedRequest check (expect_compressed on an uncompressed request → INVALID_ARGUMENT)
/// and interval_us. UnimplementedCall is deliberately left to the generated base class.
/// </summary>
public sealed class TestServiceImpl(TimeProvider timeProvider) : TestService.TestServiceBase
{
    /// <summary>Echoed back as initial metadata.</summary>
    public const string EchoInitialHeader = "x-grpc-test-echo-initial";

    /// <summary>Echoed back as a trailer.</summary>
    public const string EchoTrailingHeader = "x-grpc-test-echo-trailing-bin";

    /// <summary>
    /// grpc-dotnet's per-call response compression: this name in the response headers picks the
    /// algorithm (one of its compression providers), sent only if the client accepts it.
    /// </summary>
    private const string ResponseEncodingHeader = "grpc-internal-encoding-request";

    private const string Gzip = "gzip";
    private const int MaxResponseSize = 16 * 1024 * 1024;

    private static readonly WriteOptions Uncompressed = new(WriteFlags.NoCompress);

    public override async Task<Empty> EmptyCall(Empty request, ServerCallContext context)
    {
        await EchoMetadataAsync(context, compressResponse: false);
        return new Empty();
    }

    public override async Task<SimpleResponse> UnaryCall(SimpleRequest request, ServerCallContext context)
    {
        await EchoMetadataAsync(context, request.ResponseCompressed?.Value == true);
        EnsureCompression(request.ExpectCompressed, context);
        EchoStatus(request.ResponseStatus);
        return new SimpleResponse { Payload = CreatePayload(request.ResponseSize, "response_size") };
    }

    public override Task<SimpleResponse> CacheableUnaryCall(SimpleRequest request, ServerCallContext context) =>
        UnaryCall(request, context);

    public override async Task StreamingOutputCall(StreamingOutputCallRequest request, IServerStreamWriter<StreamingOutputCallResponse> responseStream, ServerCallContext context)
    {
        await EchoMetadataAsync(context, AnyCompressed(request));
        await WriteResponsesAsync(request, responseStream, context);
        EchoStatus(request.ResponseStatus);
    }

    public override async Task<StreamingInputCallResponse> StreamingInputCall(IAsyncStreamReader<StreamingInputCallRequest> requestStream, ServerCallContext context)
    {
        await EchoMetadataAsync(context, compressResponse: false);
        var total = 0;
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            var message = requestStream.Current;
            EnsureCompression(message.ExpectCompressed, context);
            total += message.Payload?.Body.Length ?? 0;
        }

        return new StreamingInputCallResponse { AggregatedPayloadSize = total };
    }

    public override async Task FullDuplexCall(IAsyncStreamReader<StreamingOutputCallRequest> requestStream, IServerStreamWriter<StreamingOutputCallResponse> responseStream, ServerCallContext context)
    {
        await EchoMetadataAsync(context, compressResponse: false);
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            var request = requestStream.Current;
            EchoStatus(request.ResponseStatus);
            await WriteResponsesAsync(request, responseStream, context);
        }
    }

    public override async Task HalfDuplexCall(IAsyncStreamReader<StreamingOutputCallRequest> requestStream, IServerStreamWriter<StreamingOutputCallResponse> responseStream, ServerCallContext context)
    {
        await EchoMetadataAsync(context, compressResponse: false);
        var requests = new List<StreamingOutputCallRequest>();
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            requests.Add(requestStream.Current);
        }

        foreach (var request in requests)
        {
            EchoStatus(request.ResponseStatus);
            await WriteResponsesAsync(request, responseStream, context);
        }
    }

    private static bool AnyCompressed(StreamingOutputCallRequest request) =>
        request.ResponseParameters.Any(p => p.Compressed?.Value == true);

    private async Task WriteResponsesAsync(StreamingOutputCallRequest request, IServerStreamWriter<StreamingOutputCallResponse> responseStream, ServerCallContext context)
    {
        foreach (var parameters in request.ResponseParameters)
        {
            if (parameters.IntervalUs < 0)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"interval_us must not be negative, got {parameters.IntervalUs}."));
            }

            if (parameters.IntervalUs > 0)
            {
                await Task.Delay(TimeSpan.FromMicroseconds(parameters.IntervalUs), timeProvider, context.CancellationToken);
            }

            // The call's encoding was chosen with the response headers; a message asked to go
            // uncompressed carries the NoCompress flag.
            responseStream.WriteOptions = parameters.Compressed?.Value == true ? null : Uncompressed;
            await responseStream.WriteAsync(new StreamingOutputCallResponse { Payload = CreatePayload(parameters.Size, "response_parameters.size") }, context.CancellationToken);
        }
    }

    private static async Task EchoMetadataAsync(ServerCallContext context, bool compressResponse)
    {
        var headers = new Metadata();
        if (context.RequestHeaders.GetValue(EchoInitialHeader) is { } initial)
        {
            headers.Add(EchoInitialHeader, initial);
        }

        if (compressResponse)
        {
            headers.Add(ResponseEncodingHeader, Gzip);
        }

        if (headers.Count > 0)
        {
            await context.WriteResponseHeadersAsync(headers);
        }

        if (context.RequestHeaders.GetValueBytes(EchoTrailingHeader) is { } trailing)
        {
            context.ResponseTrailers.Add(EchoTrailingHeader, trailing);
        }
    }

    private static void EnsureCompression(BoolValue? expectCompressed, ServerCallContext context)
    {
        // grpc-encoding is one of the headers grpc-dotnet keeps out of RequestHeaders.
        var encoding = context.GetHttpContext().Request.Headers["grpc-encoding"].ToString();
        if (expectCompressed?.Value == true && encoding is "" or "identity")
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "Expected a compressed request (expect_compressed), got an uncompressed one."));
        }
    }

    private static void EchoStatus(EchoStatus? status)
    {
        if (status is { Code: not 0 })
        {
            throw new RpcException(new Status((StatusCode)status.Code, status.Message));
        }
    }

    private static Payload CreatePayload(int size, string field)
    {
        if (size is < 0 or > MaxResponseSize)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field} must be between 0 and {MaxResponseSize}, got {size}."));
        }

        return new Payload { Type = PayloadType.Compressable, Body = ByteString.CopyFrom(new byte[size]) };
    }
}
