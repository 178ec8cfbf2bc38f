using Grpc.Core;
using HvFleet.Security.Hosting;
using HvFleet.Security.Unix;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HvFleet.Security.Authorization;

/// <summary>
/// Checks the caller's role against the method's (see <see cref="MethodRoles"/>) on every call.
/// The client certificate was already chained to the fleet CA in the TLS handshake; this reads
/// the role from it, records the <see cref="CallerIdentity"/> and refuses calls that need more.
/// Without a certificate: a Unix socket caller is the local owner (admin) when its kernel-reported uid is the
/// socket owner's or root's, else refused; a plaintext loopback TCP caller (opt-in) gets the configured role.
/// </summary>
public sealed partial class RoleAuthorizationInterceptor(
    MethodRoles roles,
    IOptions<FleetAuthorizationOptions> options,
    ILogger<RoleAuthorizationInterceptor> logger) : CallInterceptor
{
    protected override Task InterceptAsync(ServerCallContext context, MethodType kind, Func<Task> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        var required = roles.RequiredRole(context.Method);
        CallerIdentity identity;
        if (context.GetHttpContext().Connection.ClientCertificate is { } certificate)
        {
            identity = CallerIdentity.FromCertificate(certificate);
        }
        else if (context.GetHttpContext().Features.Get<UnixPeerCredentials>() is { } peer)
        {
            // Plaintext on a Unix socket is for the local owner: its uid and root (who can read its files anyway).
            uint owner = options.Value.LocalOwnerUid ?? UnixSocketListener.EffectiveUid;
            if (peer.Uid != owner && peer.Uid != 0)
            {
                CallerIdentity.LocalUser(peer, role: null).Set(context);
                LogLocalUserRefused(logger, context.Method, peer.Uid, peer.Pid, owner);
                throw new RpcException(new Status(StatusCode.PermissionDenied,
                    $"uid {peer.Uid} may not call this server: its unix socket accepts only its owner (uid {owner}) and root."));
            }

            identity = CallerIdentity.LocalUser(peer, FleetRole.Admin);
        }
        else if (options.Value.InsecureLoopback)
        {
            identity = CallerIdentity.LoopbackTcp(options.Value.InsecureLoopbackRole);
        }
        else
        {
            LogUnauthenticated(logger, context.Method, context.Peer);
            throw new RpcException(new Status(StatusCode.Unauthenticated, "A client certificate issued by the fleet CA is required."));
        }

        identity.Set(context);
        if (identity.Role is not { } role || role < required)
        {
            var has = identity.Role is { } r ? $"role '{FleetRoles.ToName(r)}'" : "no role";
            LogDenied(logger, context.Method, identity.Name, has, FleetRoles.ToName(required));
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"{context.Method} requires role '{FleetRoles.ToName(required)}'; caller '{identity.Name}' has {has}."));
        }

        return continuation();
    }

    [LoggerMessage(EventId = 6001, EventName = "CallUnauthenticated", Level = LogLevel.Warning, Message = "Call to {Method} from {Peer} refused: no client certificate.")]
    private static partial void LogUnauthenticated(ILogger logger, string method, string peer);

    [LoggerMessage(EventId = 6003, EventName = "LocalUserRefused", Level = LogLevel.Warning,
        Message = "Call to {Method} over the unix socket refused: uid {Uid} (pid {Pid}) is neither the owner (uid {Owner}) nor root.")]
    private static partial void LogLocalUserRefused(ILogger logger, string method, uint uid, int pid, uint owner);

    [LoggerMessage(EventId = 6002, EventName = "CallPermissionDenied", Level = LogLevel.Warning, Message = "Call to {Method} by {Caller} refused: has {Has}, needs {Required}.")]
    private static partial void LogDenied(ILogger logger, string method, string caller, string has, string required);
}
