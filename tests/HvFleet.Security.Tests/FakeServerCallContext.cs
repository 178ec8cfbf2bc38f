using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using HvFleet.Security.Unix;
using Microsoft.AspNetCore.Http;

namespace HvFleet.Security.Tests;

/// <summary>A call context for interceptor tests.</summary>
internal sealed class FakeServerCallContext(string method, MethodType type = MethodType.Unary, X509Certificate2? certificate = null) : ServerCallContext
{
    public override string Method => method;

    public override IMethod MethodDescriptor { get; } = new FakeMethod(method, type);

    public override string Host => "localhost";

    public override string Peer => "ipv4:127.0.0.1:5000";

    public override DateTime Deadline => DateTime.MaxValue;

    public override Metadata RequestHeaders { get; } = new();

    public override CancellationToken CancellationToken => CancellationToken.None;

    public override Metadata ResponseTrailers { get; } = new();

    public override Status Status { get; set; } = Status.DefaultSuccess;

    public override WriteOptions? WriteOptions { get; set; }

    public override string? ResponseCompressionAlgorithm { get; set; }

    public override string RequestEncoding => "identity";

    public override X509Certificate2? ClientCertificate => certificate;

    /// <summary>The kernel credentials of a Unix socket caller; null for a TCP caller.</summary>
    public UnixPeerCredentials? Unix { get; init; }

    public override UnixPeerCredentials? UnixPeer => Unix;

    public override IDictionary<object, object?> UserState { get; } = new Dictionary<object, object?>();

    public override HttpContext? HttpContext => null;

    public override Task WriteResponseHeadersAsync(Metadata responseHeaders) => Task.CompletedTask;

    private sealed class FakeMethod(string fullName, MethodType type) : IMethod
    {
        public MethodType Type => type;

        public string ServiceName => fullName.Split('/')[1];

        public string Name => fullName.Split('/')[2];

        public string FullName => fullName;
    }
}
