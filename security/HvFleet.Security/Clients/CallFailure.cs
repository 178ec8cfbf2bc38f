using System.Security.Authentication;
using Grpc.Core;

namespace HvFleet.Security.Clients;

/// <summary>
/// The status a caller reports for a failed call. grpc-dotnet reports a connection whose TLS handshake failed (no client
/// certificate, a certificate from another CA, a server that does not name the expected host) as INTERNAL; gRPC's status
/// code table says a client that cannot reach its server reports UNAVAILABLE, which is what HvFleet's callers did and
/// document. Every other status is kept.
/// </summary>
public static class CallFailure
{
    /// <summary>The status and detail to report for <paramref name="exception"/>.</summary>
    public static Status StatusOf(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception.StatusCode == StatusCode.Internal && HandshakeFailure(exception.Status.DebugException ?? exception.InnerException) is { } tls)
        {
            return new Status(StatusCode.Unavailable, $"TLS handshake failed: {tls.Message}", exception.Status.DebugException);
        }

        return exception.Status;
    }

    private static AuthenticationException? HandshakeFailure(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is AuthenticationException authentication)
            {
                return authentication;
            }
        }

        return null;
    }
}
