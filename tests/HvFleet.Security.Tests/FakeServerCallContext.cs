using System.Security.Cryptography.X509Certificates;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using HvFleet.Security.Hosting;
using HvFleet.Security.Unix;
using Microsoft.AspNetCore.Http;

namespace HvFleet.Security.Tests;

/// <summary>A call context for interceptor tests, with the HttpContext grpc-dotnet's <c>GetHttpContext()</c> finds (the
/// connection's client certificate, the Unix socket peer's credentials).</summary>
internal sealed class FakeServerCallContext : ServerCallContext
{
    // Where grpc-dotnet's GetHttpContext() looks for the HttpContext of a context it did not create.
    private const string HttpContextKey = "__HttpContext";

    private readonly string _method;
    private readonly DefaultHttpContext _http = new();
    private readonly Dictionary<object, object> _userState = [];
    private Status _status = Status.DefaultSuccess;
    private WriteOptions? _writeOptions;

    public FakeServerCallContext(string method, MethodType type = MethodType.Unary, X509Certificate2? certificate = null)
    {
        _method = method;
        Type = type;
        _http.Connection.ClientCertificate = certificate;
        _userState[HttpContextKey] = _http;
    }

    /// <summary>How the method streams (the interceptor is run through the matching handler).</summary>
    public MethodType Type { get; }

    /// <summary>The kernel credentials of a Unix socket caller; null for a TCP caller.</summary>
    public UnixPeerCredentials? Unix
    {
        get => _http.Features.Get<UnixPeerCredentials>();
        init => _http.Features.Set(value);
    }

    protected override string MethodCore => _method;

    protected override string HostCore => "localhost";

    protected override string PeerCore => "ipv4:127.0.0.1:5000";

    protected override DateTime DeadlineCore => DateTime.MaxValue;

    protected override Metadata RequestHeadersCore { get; } = [];

    protected override CancellationToken CancellationTokenCore => CancellationToken.None;

    protected override Metadata ResponseTrailersCore { get; } = [];

    protected override Status StatusCore { get => _status; set => _status = value; }

    protected override WriteOptions? WriteOptionsCore { get => _writeOptions; set => _writeOptions = value; }

    protected override AuthContext AuthContextCore { get; } = new(null, []);

    protected override IDictionary<object, object> UserStateCore => _userState;

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
}

/// <summary>Runs a <see cref="CallInterceptor"/> the way grpc-dotnet does: through the handler of the call's kind.</summary>
internal static class CallInterceptorTestExtensions
{
    public static async Task InterceptAsync(this CallInterceptor interceptor, FakeServerCallContext context, Func<Task> continuation)
    {
        switch (context.Type)
        {
            case MethodType.Unary:
                await interceptor.UnaryServerHandler<Empty, Empty>(new Empty(), context, async (_, _) =>
                {
                    await continuation();
                    return new Empty();
                });
                break;
            case MethodType.ServerStreaming:
                await interceptor.ServerStreamingServerHandler<Empty, Empty>(new Empty(), NullWriter.Instance, context, (_, _, _) => continuation());
                break;
            default:
                throw new NotSupportedException(context.Type.ToString());
        }
    }

    private sealed class NullWriter : IServerStreamWriter<Empty>
    {
        public static readonly NullWriter Instance = new();

        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(Empty message) => Task.CompletedTask;
    }
}
