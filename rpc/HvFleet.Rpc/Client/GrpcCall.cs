using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Google.Protobuf;
using HvFleet.Rpc.Protocol;

namespace HvFleet.Rpc.Client;

/// <summary>
/// One client call over HTTP/2. Status comes from the response headers (Trailers-Only) or the
/// trailers; HTTP statuses and RST_STREAM codes are mapped as the reference's §1.4 says; a
/// deadline is encoded in grpc-timeout and enforced locally; cancelling disposes the response,
/// which sends RST_STREAM(CANCEL).
/// </summary>
internal sealed partial class GrpcCall<TRequest, TResponse> : IClientCall
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly GrpcChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly CallOptions _options;
    private readonly CancellationTokenSource _cts;
    private readonly CancellationTokenRegistration _userCancellation;
    private readonly TaskCompletionSource<Metadata> _responseHeaders = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _sync = new();
    private ITimer? _deadlineTimer;
    private HttpResponseMessage? _response;
    private PipeReader? _reader;
    private ICompressionProvider? _responseDecompressor;
    private Task? _headersTask;
    private PushStreamContent? _requestContent;
    private Status? _status;
    private Metadata _trailers = Metadata.Empty;
    private volatile bool _deadlineExceeded;
    private bool _disposed;

    public GrpcCall(GrpcChannel channel, Method<TRequest, TResponse> method, CallOptions options)
    {
        _channel = channel;
        _method = method;
        _options = options;
        _cts = new CancellationTokenSource();
        if (options.CancellationToken.CanBeCanceled)
        {
            _userCancellation = options.CancellationToken.UnsafeRegister(static s => ((GrpcCall<TRequest, TResponse>)s!).Cancel(), this);
        }
    }

    public Task<Metadata> ResponseHeadersAsync => _responseHeaders.Task;

    public IAsyncStreamReader<TResponse> ResponseStream { get; private set; } = null!;

    public IClientStreamWriter<TRequest> RequestStream { get; private set; } = null!;

    private CancellationToken Token => _cts.Token;

    public Status GetStatus() => _status ?? throw new InvalidOperationException("Unable to get the status because the call is not complete.");

    public Metadata GetTrailers() => _status is null ? throw new InvalidOperationException("Unable to get the trailers because the call is not complete.") : _trailers;

    public async Task<TResponse> RunUnaryAsync(TRequest request)
    {
        try
        {
            var content = new UnaryRequestContent(Frame(request));
            _headersTask = ReceiveHeadersAsync(Send(content));
            await _headersTask;
            return await ReadSingleResponseAsync();
        }
        catch (Exception ex)
        {
            throw Fail(ex);
        }
        finally
        {
            Cleanup();
        }
    }

    public void StartServerStreaming(TRequest request)
    {
        _headersTask = StartAsync(new UnaryRequestContent(Frame(request)));
        ResponseStream = new ResponseReader(this);
    }

    public Task<TResponse> StartClientStreaming()
    {
        _requestContent = new PushStreamContent();
        _headersTask = StartAsync(_requestContent);
        RequestStream = new RequestWriter(this, _requestContent);
        return ReadClientStreamingResponseAsync();
    }

    public void StartDuplexStreaming()
    {
        _requestContent = new PushStreamContent();
        _headersTask = StartAsync(_requestContent);
        RequestStream = new RequestWriter(this, _requestContent);
        ResponseStream = new ResponseReader(this);
    }

    private async Task StartAsync(HttpContent content)
    {
        try
        {
            await ReceiveHeadersAsync(Send(content));
        }
        catch (Exception ex)
        {
            throw Fail(ex);
        }
    }

    private async Task<TResponse> ReadClientStreamingResponseAsync()
    {
        try
        {
            await _headersTask!;
            return await ReadSingleResponseAsync();
        }
        catch (Exception ex)
        {
            throw Fail(ex);
        }
        finally
        {
            Cleanup();
        }
    }

    private byte[] Frame(TRequest request)
    {
        var buffer = new ArrayBufferWriter<byte>(request.CalculateSize() + GrpcProtocol.HeaderSize);
        MessageFraming.WriteMessage(buffer, request, RequestCompressor(), _channel.Options.MaxSendMessageSize);
        return buffer.WrittenSpan.ToArray();
    }

    private ICompressionProvider? RequestCompressor() =>
        _options.RequestCompression is { } name && !name.Equals(GrpcProtocol.IdentityEncoding, StringComparison.OrdinalIgnoreCase)
            ? _channel.Compression.GetValueOrDefault(name) ?? throw new InvalidOperationException($"No compression provider for '{name}'.")
            : null;

    private Task<HttpResponseMessage> Send(HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_channel.RequestBase, _method.FullName))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        content.Headers.TryAddWithoutValidation("content-type", GrpcProtocol.ContentType);
        var headers = request.Headers;
        headers.TryAddWithoutValidation(GrpcProtocol.TeHeader, "trailers");
        headers.TryAddWithoutValidation("user-agent", GrpcProtocol.UserAgent);
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, _channel.AcceptEncoding);
        if (RequestCompressor() is { } compressor)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.EncodingHeader, compressor.EncodingName);
        }

        if (_options.Deadline is { } deadline && deadline != DateTime.MaxValue)
        {
            var timeout = deadline.ToUniversalTime() - _channel.Options.TimeProvider.GetUtcNow().UtcDateTime;
            if (timeout <= TimeSpan.Zero)
            {
                _deadlineExceeded = true;
                throw new RpcException(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"));
            }

            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Encode(timeout));
            if (timeout < TimeSpan.FromDays(49))
            {
                _deadlineTimer = _channel.Options.TimeProvider.CreateTimer(static s => ((GrpcCall<TRequest, TResponse>)s!).OnDeadline(), this, timeout, Timeout.InfiniteTimeSpan);
            }
        }

        if (_options.Headers is { } metadata)
        {
            foreach (var entry in metadata)
            {
                if (GrpcProtocol.IsReservedHeader(entry.Key))
                {
                    continue;
                }

                headers.TryAddWithoutValidation(entry.Key, entry.IsBinary ? BinaryHeader.Encode(entry.ValueBytes) : entry.Value);
            }
        }

        return _channel.Invoker.SendAsync(request, Token);
    }

    private async Task ReceiveHeadersAsync(Task<HttpResponseMessage> sendTask)
    {
        var response = await sendTask;
        lock (_sync)
        {
            _response = response;
            if (_disposed)
            {
                response.Dispose();
                throw new OperationCanceledException(Token);
            }
        }

        var headerMetadata = ToMetadata(response.Headers);
        if (TryReadStatus(response.Headers, out var headerStatus))
        {
            // Trailers-Only: the status is in the only HEADERS frame.
            _responseHeaders.TrySetResult(headerMetadata);
            Finish(headerStatus, headerMetadata);
            return;
        }

        if (response.Version < HttpVersion.Version20)
        {
            throw new RpcException(StatusCode.Internal, "Bad gRPC response. Response protocol downgraded to HTTP/" + response.Version.ToString(2) + ".");
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            var code = StatusMapping.FromHttpStatus((int)response.StatusCode);
            throw new RpcException(code, "Bad gRPC response. HTTP status code: " + (int)response.StatusCode);
        }

        var contentType = response.Content.Headers.ContentType?.ToString();
        if (!GrpcProtocol.IsGrpcContentType(contentType))
        {
            throw new RpcException(StatusCode.Cancelled, "Bad gRPC response. Invalid content-type value: " + (contentType ?? "(none)"));
        }

        if (response.Headers.TryGetValues(GrpcProtocol.EncodingHeader, out var encodings) && encodings.FirstOrDefault() is { } encoding &&
            !encoding.Equals(GrpcProtocol.IdentityEncoding, StringComparison.OrdinalIgnoreCase))
        {
            _responseDecompressor = _channel.Compression.GetValueOrDefault(encoding)
                ?? throw new RpcException(StatusCode.Internal, $"Response used an unsupported grpc-encoding '{encoding}'.");
        }

        _reader = PipeReader.Create(await response.Content.ReadAsStreamAsync(Token), new StreamPipeReaderOptions(bufferSize: 16 * 1024));
        _responseHeaders.TrySetResult(headerMetadata);
    }

    private async Task<TResponse> ReadSingleResponseAsync()
    {
        if (_status is { } early)
        {
            // A unary or client-streaming call answered Trailers-Only has no message: OK there is a protocol error.
            throw early.StatusCode == StatusCode.OK
                ? new RpcException(StatusCode.Internal, "Failed to deserialize response message.")
                : new RpcException(early, _trailers);
        }

        var message = await ReadMessageAsync();
        if (message is null)
        {
            var status = FinishFromTrailers();
            throw status.StatusCode == StatusCode.OK
                ? new RpcException(StatusCode.Internal, "Failed to deserialize response message.")
                : new RpcException(status, _trailers);
        }

        if (await ReadMessageAsync() is not null)
        {
            throw new RpcException(StatusCode.Internal, "Cardinality violation: more than one response message for a unary call.");
        }

        var final = FinishFromTrailers();
        return final.StatusCode == StatusCode.OK ? message : throw new RpcException(final, _trailers);
    }

    private ValueTask<TResponse?> ReadMessageAsync() =>
        MessageFraming.ReadMessageAsync(_reader!, _method.ResponseParser, _channel.Options.MaxReceiveMessageSize, _responseDecompressor, Token);

    private Status FinishFromTrailers()
    {
        // Trailers are filled only once the body has been read to its end.
        var response = _response!;
        var trailers = response.TrailingHeaders;
        var metadata = ToMetadata(trailers);
        var status = TryReadStatus(trailers, out var s)
            ? s
            : new Status(StatusCode.Cancelled, "No grpc-status found on response.");
        Finish(status, metadata);
        return status;
    }

    private void Finish(Status status, Metadata trailers)
    {
        lock (_sync)
        {
            if (_status is not null)
            {
                return;
            }

            _trailers = trailers;
            _status = status;
        }

        _requestContent?.Complete();
    }

    private static bool TryReadStatus(HttpHeaders headers, out Status status)
    {
        status = default;
        if (!headers.TryGetValues(GrpcProtocol.StatusHeader, out var values))
        {
            return false;
        }

        var value = values.FirstOrDefault();
        if (!StatusMapping.TryParseStatus(value, out var code))
        {
            status = new Status(StatusCode.Unknown, "Unable to parse grpc-status: " + value);
            return true;
        }

        var message = headers.TryGetValues(GrpcProtocol.MessageHeader, out var messages) ? PercentEncoding.Decode(messages.FirstOrDefault()) : string.Empty;
        status = new Status(code, message);
        return true;
    }

    private static Metadata ToMetadata(HttpHeaders headers)
    {
        var metadata = new Metadata();
        foreach (var (name, values) in headers.NonValidated)
        {
            if (GrpcProtocol.IsReservedHeader(name) || name.Equals("date", StringComparison.OrdinalIgnoreCase) || name.Equals("server", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var key = name.ToLowerInvariant();
            foreach (var value in values)
            {
                if (Metadata.Entry.IsBinaryKey(key))
                {
                    if (BinaryHeader.TryDecode(value, out var decoded))
                    {
                        foreach (var bytes in decoded)
                        {
                            metadata.Add(new Metadata.Entry(key, bytes));
                        }
                    }
                }
                else if (value.All(c => c is >= ' ' and <= '~'))
                {
                    metadata.Add(new Metadata.Entry(key, value));
                }
            }
        }

        return metadata;
    }

    private void OnDeadline()
    {
        _deadlineExceeded = true;
        Cancel();
    }

    private void Cancel()
    {
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        lock (_sync)
        {
            _response?.Dispose();
        }

        _requestContent?.Abort(new OperationCanceledException("The call was cancelled."));
    }

    /// <summary>Maps whatever ended the call into its status (reference §1.4, §5.4) and records it.</summary>
    private RpcException Fail(Exception ex)
    {
        var resolved = Resolve(ex);
        Finish(resolved.Status, resolved.Trailers);
        _responseHeaders.TrySetException(resolved);

        // Report the status actually recorded (an earlier one wins).
        var status = _status!.Value;
        return status == resolved.Status ? resolved : new RpcException(status, _trailers, status.Detail, ex);
    }

    private RpcException Resolve(Exception ex)
    {
        if (_deadlineExceeded && (ex is not RpcException rpc0 || rpc0.StatusCode == StatusCode.Cancelled || rpc0.StatusCode == StatusCode.Internal))
        {
            return new RpcException(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"));
        }

        if (ex is RpcException rpc)
        {
            return rpc;
        }

        if (_options.CancellationToken.IsCancellationRequested || (_disposed && ex is OperationCanceledException or ObjectDisposedException or IOException or HttpRequestException))
        {
            return new RpcException(new Status(StatusCode.Cancelled, "Call canceled by the client."), Metadata.Empty, "Call canceled by the client.", ex);
        }

        for (var inner = ex; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case HttpProtocolException protocol:
                    var code = StatusMapping.FromHttp2ErrorCode(protocol.ErrorCode);
                    return new RpcException(new Status(code, "Error starting gRPC call. " + protocol.Message), Metadata.Empty, protocol.Message, ex);
                case SocketException socket:
                    return new RpcException(new Status(StatusCode.Unavailable, "Error connecting to subchannel. " + socket.Message), Metadata.Empty, socket.Message, ex);
                case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError } http:
                    return new RpcException(new Status(StatusCode.Unavailable, "Error connecting to subchannel. " + http.Message), Metadata.Empty, http.Message, ex);
            }
        }

        return ex switch
        {
            HttpRequestException or IOException => new RpcException(new Status(StatusCode.Unavailable, "Error reading from the server. " + ex.Message), Metadata.Empty, ex.Message, ex),
            OperationCanceledException => new RpcException(new Status(StatusCode.Cancelled, "Call canceled."), Metadata.Empty, ex.Message, ex),
            InvalidOperationException => new RpcException(new Status(StatusCode.Internal, ex.Message), Metadata.Empty, ex.Message, ex),
            _ => new RpcException(new Status(StatusCode.Unknown, "Error in the gRPC call: " + ex.Message), Metadata.Empty, ex.Message, ex),
        };
    }

    private void Cleanup()
    {
        _deadlineTimer?.Dispose();
        _userCancellation.Dispose();
        lock (_sync)
        {
            _response?.Dispose();
        }
    }

    public void Dispose()
    {
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        if (_status is null)
        {
            Finish(new Status(StatusCode.Cancelled, "Call canceled by the client."), Metadata.Empty);
            Cancel();
        }

        _responseHeaders.TrySetCanceled();
        Cleanup();
        _cts.Dispose();
    }
}
