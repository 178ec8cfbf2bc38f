using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using HvFleet.Rpc.Protocol;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;

namespace HvFleet.Rpc.Server;

/// <summary>
/// A call served over Kestrel HTTP/2. Owns the response: headers on the first write, trailers (or
/// Trailers-Only headers) at the end, and the deadline: when it passes, grpc-status 4 trailers
/// are sent, then RST_STREAM(CANCEL), then the handler's token fires (reference §1.5, §5.3).
/// </summary>
internal sealed partial class HttpServerCallContext : ServerCallContext, IDisposable
{
    private static readonly string[] StatusStrings = [.. Enumerable.Range(0, 17).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    private readonly HttpContext _http;
    private readonly IMethod _method;
    private readonly MethodSettings _settings;
    private readonly ILogger _logger;
    private readonly Lock _sync = new();
    private CancellationTokenSource? _deadlineCts;
    private ITimer? _deadlineTimer;
    private DateTime _deadline = DateTime.MaxValue;
    private Metadata? _requestHeaders;
    private Metadata? _responseTrailers;
    private Dictionary<object, object?>? _userState;
    private ICompressionProvider? _requestDecompressor;
    private ICompressionProvider? _responseCompressor;
    private bool _responseStarted;
    private bool _completed;
    private bool _writing;
    private bool _deadlineExceeded;

    public HttpServerCallContext(HttpContext http, IMethod method, MethodSettings settings, ILogger logger)
    {
        _http = http;
        _method = method;
        _settings = settings;
        _logger = logger;
        ResponseCompressionAlgorithm = settings.ResponseCompressionAlgorithm;
    }

    public override string Method => _method.FullName;

    public override IMethod MethodDescriptor => _method;

    public override string Host => _http.Request.Host.Value ?? string.Empty;

    public override string Peer
    {
        get
        {
            var c = _http.Connection;
            return c.RemoteIpAddress switch
            {
                null when UnixPeer is { } unix => $"unix:{unix.SocketPath}",
                null => "unknown",
                { AddressFamily: AddressFamily.InterNetworkV6 } ip => $"ipv6:[{ip}]:{c.RemotePort}",
                var ip => $"ipv4:{ip}:{c.RemotePort}",
            };
        }
    }

    public override DateTime Deadline => _deadline;

    public override Metadata RequestHeaders => _requestHeaders ??= ReadRequestHeaders();

    public override CancellationToken CancellationToken => _deadlineCts?.Token ?? _http.RequestAborted;

    public override Metadata ResponseTrailers => _responseTrailers ??= [];

    public override Status Status { get; set; } = Status.DefaultSuccess;

    public override WriteOptions? WriteOptions { get; set; }

    public override string? ResponseCompressionAlgorithm { get; set; }

    public override string RequestEncoding => _requestDecompressor?.EncodingName ?? GrpcProtocol.IdentityEncoding;

    public override X509Certificate2? ClientCertificate => _http.Connection.ClientCertificate;

    public override Unix.UnixPeerCredentials? UnixPeer => _http.Features.Get<Unix.UnixPeerCredentials>();

    public override IDictionary<object, object?> UserState => _userState ??= [];

    public override HttpContext HttpContext => _http;

    public int? MaxReceiveMessageSize => _settings.MaxReceiveMessageSize;

    public ICompressionProvider? RequestDecompressor => _requestDecompressor;

    public bool IsDeadlineExceeded => Volatile.Read(ref _deadlineExceeded);

    /// <summary>
    /// Reads the call headers. Returns false when the call was already answered (an encoding we
    /// do not support gets UNIMPLEMENTED with our grpc-accept-encoding, per doc/compression.md).
    /// </summary>
    public bool Initialize()
    {
        var headers = _http.Request.Headers;
        var encoding = headers[GrpcProtocol.EncodingHeader].ToString();
        if (encoding.Length > 0 && !encoding.Equals(GrpcProtocol.IdentityEncoding, StringComparison.OrdinalIgnoreCase))
        {
            if (!_settings.Compression.TryGetValue(encoding, out _requestDecompressor))
            {
                _http.Response.Headers[GrpcProtocol.AcceptEncodingHeader] = _settings.AcceptEncoding;
                EndCall(new Status(StatusCode.Unimplemented, $"Unsupported grpc-encoding value '{encoding}'. Supported encodings: {_settings.AcceptEncoding}"), null);
                return false;
            }
        }

        var timeoutHeader = headers[GrpcProtocol.TimeoutHeader];
        if (timeoutHeader.Count == 1 && GrpcTimeout.TryParse(timeoutHeader[0], out var timeout))
        {
            StartDeadline(timeout);
        }

        if (_method.Type is MethodType.ClientStreaming or MethodType.DuplexStreaming || _settings.MaxReceiveMessageSize is null or > 28 * 1024 * 1024)
        {
            // Streaming calls may run for hours: Kestrel's body size and data-rate limits do not
            // apply (as in grpc-dotnet); the message limit is enforced from each prefix instead.
            if (_http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
            {
                sizeFeature.MaxRequestBodySize = null;
            }

            if (_http.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rateFeature)
            {
                rateFeature.MinDataRate = null;
            }
        }

        return true;
    }

    private void StartDeadline(TimeSpan timeout)
    {
        var time = _settings.TimeProvider;
        _deadline = time.GetUtcNow().UtcDateTime + timeout;
        _deadlineCts = CancellationTokenSource.CreateLinkedTokenSource(_http.RequestAborted);

        // ITimer accepts at most ~49.7 days; a longer deadline never fires in practice.
        if (timeout < TimeSpan.FromDays(49))
        {
            _deadlineTimer = time.CreateTimer(static s => _ = ((HttpServerCallContext)s!).DeadlineExceededAsync(), this, timeout, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task DeadlineExceededAsync()
    {
        bool writeTrailers;
        lock (_sync)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            _deadlineExceeded = true;
            writeTrailers = !_writing;
        }

        Log.DeadlineExceeded(_logger, _method.FullName);
        try
        {
            if (writeTrailers)
            {
                WriteStatus(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"), null);
                if (_http.Features.Get<IHttpResponseBodyFeature>() is { } body)
                {
                    await body.CompleteAsync();
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or ConnectionAbortedException)
        {
            // The connection is already gone; nothing more can be sent.
        }
        finally
        {
            // RST_STREAM(CANCEL) after the trailers, then the handler's token (grpc-dotnet's order).
            _http.Features.Get<IHttpResetFeature>()?.Reset(8);
            try
            {
                _deadlineCts!.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    public override async Task WriteResponseHeadersAsync(Metadata responseHeaders)
    {
        ArgumentNullException.ThrowIfNull(responseHeaders);
        BeginWrite();
        try
        {
            if (_responseStarted)
            {
                throw new InvalidOperationException("Response headers can only be sent once per call.");
            }

            AppendMetadata(_http.Response.Headers, responseHeaders);
            StartResponse();
            await _http.Response.StartAsync(CancellationToken);
            await _http.Response.BodyWriter.FlushAsync(CancellationToken);
        }
        finally
        {
            EndWrite();
        }
    }

    /// <summary>Marks a write in progress; throws once the call has ended (e.g. the deadline passed).</summary>
    public void BeginWrite()
    {
        lock (_sync)
        {
            if (_completed)
            {
                throw _deadlineExceeded
                    ? new OperationCanceledException("The call's deadline was exceeded.", CancellationToken)
                    : new InvalidOperationException("The call has already ended.");
            }

            if (_writing)
            {
                throw new InvalidOperationException("Only one write can be pending at a time.");
            }

            _writing = true;
        }
    }

    public void EndWrite()
    {
        lock (_sync)
        {
            _writing = false;
        }
    }

    /// <summary>Writes one framed response message into the body (headers first if needed). Caller holds the write.</summary>
    public void WriteMessage<T>(T message, WriteOptions? options)
        where T : class, IMessage<T>
    {
        if (!_responseStarted)
        {
            StartResponse();
        }

        // Without write options the message is compressed (a lifted null & flag would compare false).
        var flags = (options ?? WriteOptions)?.Flags ?? WriteFlags.None;
        var compressor = _responseCompressor is not null && (flags & WriteFlags.NoCompress) == 0 ? _responseCompressor : null;
        MessageFraming.WriteMessage(_http.Response.BodyWriter, message, compressor, _settings.MaxSendMessageSize);
    }

    private void StartResponse()
    {
        _responseStarted = true;
        var response = _http.Response;
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers[GrpcProtocol.AcceptEncodingHeader] = _settings.AcceptEncoding;
        if (ResponseCompressionAlgorithm is { } algorithm && !algorithm.Equals(GrpcProtocol.IdentityEncoding, StringComparison.OrdinalIgnoreCase) &&
            _settings.Compression.TryGetValue(algorithm, out var provider) && ClientAccepts(algorithm))
        {
            // Never compress with an algorithm the client did not list (reference §1.2).
            _responseCompressor = provider;
            response.Headers[GrpcProtocol.EncodingHeader] = provider.EncodingName;
        }
    }

    private bool ClientAccepts(string algorithm)
    {
        foreach (var value in _http.Request.Headers[GrpcProtocol.AcceptEncodingHeader])
        {
            foreach (var part in (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (part.Equals(algorithm, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Flushes written messages to the client; throws if the client went away.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var result = await _http.Response.BodyWriter.FlushAsync(cancellationToken);
        if (result.IsCompleted || result.IsCanceled)
        {
            throw new OperationCanceledException("The client went away.", CancellationToken);
        }
    }

    /// <summary>Ends the call with a status unless it has already ended (deadline).</summary>
    public void EndCall(Status status, Metadata? extraTrailers)
    {
        lock (_sync)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
        }

        WriteStatus(status, extraTrailers);
    }

    private void WriteStatus(Status status, Metadata? extraTrailers)
    {
        var response = _http.Response;
        IHeaderDictionary target;
        // A unary response message is written without a flush, so HasStarted can still be false
        // with a message in the body: only a call that wrote nothing may use Trailers-Only.
        if (!_responseStarted && !response.HasStarted)
        {
            // Trailers-Only: one HEADERS frame carrying the status (reference §1.3).
            response.ContentType = GrpcProtocol.ContentType;
            target = response.Headers;
        }
        else if (_http.Features.Get<IHttpResponseTrailersFeature>()?.Trailers is { IsReadOnly: false } trailers)
        {
            target = trailers;
        }
        else
        {
            return;
        }

        if (_responseTrailers is { Count: > 0 })
        {
            AppendMetadata(target, _responseTrailers);
        }

        if (extraTrailers is { Count: > 0 })
        {
            AppendMetadata(target, extraTrailers);
        }

        // The status goes last and overrides anything user metadata tried to set.
        var code = (int)status.StatusCode;
        target[GrpcProtocol.StatusHeader] = code is >= 0 and < 17 ? StatusStrings[code] : code.ToString(CultureInfo.InvariantCulture);
        if (!string.IsNullOrEmpty(status.Detail))
        {
            target[GrpcProtocol.MessageHeader] = PercentEncoding.Encode(status.Detail);
        }
        else
        {
            target.Remove(GrpcProtocol.MessageHeader);
        }
    }

    /// <summary>Turns a handler's exception into the call's status (UNKNOWN hides the text unless detailed errors are on).</summary>
    public void EndCallWithException(Exception ex)
    {
        if (IsDeadlineExceeded)
        {
            return;
        }

        switch (ex)
        {
            case RpcException rpc:
                EndCall(rpc.Status, rpc.Trailers);
                break;
            case OperationCanceledException or IOException or ConnectionAbortedException when _http.RequestAborted.IsCancellationRequested:
                // The client cancelled (RST_STREAM) or the connection dropped: nobody to answer.
                Log.CallCancelled(_logger, _method.FullName);
                EndCall(new Status(StatusCode.Cancelled, "Call canceled by the client."), null);
                break;
            case ConnectionAbortedException or ConnectionResetException or BadHttpRequestException:
                // The transport failed under the handler (connection reset or aborted, request body cut short) before
                // Kestrel flagged the request as aborted: a client or network fault, not a handler bug.
                Log.TransportFailed(_logger, _method.FullName, ex.Message);
                EndCall(new Status(StatusCode.Cancelled, "The connection failed during the call."), null);
                break;
            default:
                Log.HandlerFailed(_logger, _method.FullName, ex);
                var detail = _settings.EnableDetailedErrors
                    ? $"Exception was thrown by handler. {ex.GetType().Name}: {ex.Message}"
                    : "Exception was thrown by handler.";
                EndCall(new Status(StatusCode.Unknown, detail), null);
                break;
        }
    }

    private Metadata ReadRequestHeaders()
    {
        var metadata = new Metadata();
        foreach (var (name, values) in _http.Request.Headers)
        {
            if (GrpcProtocol.IsReservedHeader(name))
            {
                continue;
            }

            var key = name.ToLowerInvariant();
            foreach (var value in values)
            {
                if (value is null)
                {
                    continue;
                }

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
                else if (IsPrintableAscii(value))
                {
                    // Invalid ASCII values are dropped, never an error (reference §1.1).
                    metadata.Add(new Metadata.Entry(key, value.Trim()));
                }
            }
        }

        return metadata;
    }

    private static bool IsPrintableAscii(string value)
    {
        foreach (var c in value)
        {
            if (c < 0x20 || c > 0x7E)
            {
                return false;
            }
        }

        return true;
    }

    internal static void AppendMetadata(IHeaderDictionary headers, Metadata metadata)
    {
        foreach (var entry in metadata)
        {
            if (GrpcProtocol.IsReservedHeader(entry.Key))
            {
                continue;
            }

            var value = entry.IsBinary ? BinaryHeader.Encode(entry.ValueBytes) : entry.Value;
            headers.Append(entry.Key, value);
        }
    }

    public void Dispose()
    {
        _deadlineTimer?.Dispose();
        _deadlineCts?.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, EventName = "HandlerFailed", Level = LogLevel.Error, Message = "Handler of {Method} threw an exception.")]
        public static partial void HandlerFailed(ILogger logger, string method, Exception exception);

        [LoggerMessage(EventId = 2, EventName = "DeadlineExceeded", Level = LogLevel.Debug, Message = "Deadline exceeded for {Method}.")]
        public static partial void DeadlineExceeded(ILogger logger, string method);

        [LoggerMessage(EventId = 4, EventName = "TransportFailed", Level = LogLevel.Debug, Message = "Call {Method} ended by a transport failure: {Reason}")]
        public static partial void TransportFailed(ILogger logger, string method, string reason);

        [LoggerMessage(EventId = 3, EventName = "CallCancelled", Level = LogLevel.Debug, Message = "Call {Method} cancelled by the client.")]
        public static partial void CallCancelled(ILogger logger, string method);
    }
}
