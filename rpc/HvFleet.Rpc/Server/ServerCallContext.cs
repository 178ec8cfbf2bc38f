using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;

namespace HvFleet.Rpc.Server;

/// <summary>What a server handler knows about its call, and how it shapes the response.</summary>
public abstract class ServerCallContext
{
    /// <summary>The method's full name, <c>/package.Service/Method</c>.</summary>
    public abstract string Method { get; }

    /// <summary>The method being called.</summary>
    public abstract IMethod MethodDescriptor { get; }

    /// <summary>The <c>:authority</c> of the request.</summary>
    public abstract string Host { get; }

    /// <summary>The caller's address, e.g. <c>ipv4:127.0.0.1:50123</c>.</summary>
    public abstract string Peer { get; }

    /// <summary>The call's deadline in UTC; <see cref="DateTime.MaxValue"/> when there is none.</summary>
    public abstract DateTime Deadline { get; }

    /// <summary>Request metadata, reserved headers filtered out.</summary>
    public abstract Metadata RequestHeaders { get; }

    /// <summary>Fires when the client cancels, the connection drops or the deadline passes.</summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>Trailing metadata to send with the status.</summary>
    public abstract Metadata ResponseTrailers { get; }

    /// <summary>The status to end the call with when the handler returns normally.</summary>
    public abstract Status Status { get; set; }

    /// <summary>Options for response writes.</summary>
    public abstract WriteOptions? WriteOptions { get; set; }

    /// <summary>
    /// The algorithm (e.g. "gzip") to compress responses with, if the client accepts it.
    /// Set it before the first response message.
    /// </summary>
    public abstract string? ResponseCompressionAlgorithm { get; set; }

    /// <summary>The encoding the request messages used (<c>identity</c> when none).</summary>
    public abstract string RequestEncoding { get; }

    /// <summary>The client's TLS certificate, when it presented one.</summary>
    public abstract X509Certificate2? ClientCertificate { get; }

    /// <summary>The caller's kernel credentials when it came over a Unix socket; null otherwise.</summary>
    public virtual Unix.UnixPeerCredentials? UnixPeer => null;

    /// <summary>Per-call state that interceptors and handlers share.</summary>
    public abstract IDictionary<object, object?> UserState { get; }

    /// <summary>The underlying HTTP context (null outside a real server).</summary>
    public abstract HttpContext? HttpContext { get; }

    /// <summary>Sends the response headers now, with this metadata.</summary>
    public abstract Task WriteResponseHeadersAsync(Metadata responseHeaders);
}
