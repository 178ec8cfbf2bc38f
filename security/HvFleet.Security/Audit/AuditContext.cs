using Grpc.Core;

namespace HvFleet.Security.Audit;

/// <summary>
/// What a handler tells the audit log about its call (targets, request id, job or operation id),
/// kept in <see cref="ServerCallContext.UserState"/>. Only ids: never secrets or request bodies.
/// </summary>
public sealed class AuditContext
{
    // Bounded so a hostile request cannot make one audit line huge.
    private const int MaxTargets = 256;
    private const int MaxIdLength = 256;

    private readonly List<string> _targets = [];

    public IReadOnlyList<string> Targets
    {
        get
        {
            lock (_targets)
            {
                return [.. _targets];
            }
        }
    }

    public string? RequestId { get; set; }

    public string? JobId { get; set; }

    public string? OperationId { get; set; }

    /// <summary>The call's audit context, created on first use.</summary>
    public static AuditContext For(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.UserState.TryGetValue(typeof(AuditContext), out var value) && value is AuditContext existing)
        {
            return existing;
        }

        var created = new AuditContext();
        context.UserState[typeof(AuditContext)] = created;
        return created;
    }

    internal static AuditContext? Find(ServerCallContext context) =>
        context.UserState.TryGetValue(typeof(AuditContext), out var value) ? value as AuditContext : null;

    /// <summary>Adds target ids (VMs, groups, snapshots, hosts, jobs); empty ones are skipped.</summary>
    public AuditContext AddTargets(params IEnumerable<string?> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        lock (_targets)
        {
            foreach (var id in ids)
            {
                if (!string.IsNullOrEmpty(id) && _targets.Count < MaxTargets)
                {
                    _targets.Add(id.Length > MaxIdLength ? id[..MaxIdLength] : id);
                }
            }
        }

        return this;
    }
}
