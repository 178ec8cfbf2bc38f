using Grpc.Core;
using HvFleet.Security.Hosting;
using HvFleet.Security.Unix;
using HvFleet.Security.Authorization;
using Microsoft.Extensions.Logging;

namespace HvFleet.Security.Audit;

/// <summary>
/// Records every mutating call (with its outcome) and every denied call (UNAUTHENTICATED,
/// PERMISSION_DENIED, RESOURCE_EXHAUSTED) in the <see cref="AuditLog"/>. Registered first
/// (outermost), so denials by the authorization and limit interceptors are recorded too.
/// </summary>
public sealed partial class AuditInterceptor(
    AuditLog log,
    MethodRoles roles,
    TimeProvider time,
    ILogger<AuditInterceptor> logger) : CallInterceptor
{
    protected override async Task InterceptAsync(ServerCallContext context, MethodType kind, Func<Task> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            await continuation();
        }
        catch (RpcException ex)
        {
            Record(context, ex.StatusCode, ex.Status.Detail);
            throw;
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            Record(context, StatusCode.Cancelled, null);
            throw;
        }
        catch (Exception)
        {
            Record(context, StatusCode.Unknown, null);
            throw;
        }

        Record(context, context.Status.StatusCode, context.Status.Detail);
    }

    private void Record(ServerCallContext context, StatusCode status, string? detail)
    {
        var denied = status is StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.ResourceExhausted;
        if (!denied && !roles.IsMutating(context.Method))
        {
            return;
        }

        var caller = CallerIdentity.Get(context);
        var audit = AuditContext.Find(context);
        var record = new AuditRecord
        {
            Time = time.GetUtcNow(),
            Caller = caller?.Name ?? "anonymous",
            Role = caller?.Role is { } role ? FleetRoles.ToName(role) : null,
            Thumbprint = caller?.Thumbprint,
            Uid = caller?.Uid,
            Pid = caller?.Pid,
            Peer = PeerOf(context),
            Method = context.Method,
            Outcome = StatusName(status),
            Detail = status == StatusCode.OK ? null : detail,
            Targets = audit?.Targets ?? [],
            RequestId = audit?.RequestId,
            JobId = audit?.JobId,
            OperationId = audit?.OperationId,
        };
        try
        {
            log.Append(record);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            // The call's outcome stands; a lost audit line is loud in the service log.
            LogAuditWriteFailed(logger, ex, context.Method, record.Outcome);
        }
    }

    /// <summary>The canonical name, e.g. PERMISSION_DENIED.</summary>
    // grpc-dotnet names only IP peers; a Unix socket caller is named by the socket it came through.
    private static string PeerOf(ServerCallContext context) =>
        context.GetHttpContext().Features.Get<UnixPeerCredentials>() is { } unix ? UnixSocketAddress.Format(unix.SocketPath) : context.Peer;

    internal static string StatusName(StatusCode status)
    {
        var name = status.ToString();
        if (status == StatusCode.OK)
        {
            return name;
        }

        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]))
            {
                builder.Append('_');
            }

            builder.Append(char.ToUpperInvariant(name[i]));
        }

        return builder.ToString();
    }

    [LoggerMessage(EventId = 6201, EventName = "AuditWriteFailed", Level = LogLevel.Error, Message = "Could not write the audit line for {Method} ({Outcome}).")]
    private static partial void LogAuditWriteFailed(ILogger logger, Exception exception, string method, string outcome);
}
