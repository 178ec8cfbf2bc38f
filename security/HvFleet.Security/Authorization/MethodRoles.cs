using System.Collections.Frozen;

namespace HvFleet.Security.Authorization;

/// <summary>
/// The role each RPC needs, by full method name (<c>/package.Service/Method</c>). Health and
/// reflection need viewer; a method missing from the table needs admin, so a new method is
/// closed until someone decides who may call it.
/// </summary>
public sealed class MethodRoles
{
    private const string Agent = "/hvfleet.agent.v1.HostAgent/";
    private const string Fleet = "/hvfleet.orchestrator.v1.Fleet/";

    private static readonly string[] ViewerServicePrefixes =
    [
        "/grpc.health.v1.Health/",
        "/grpc.reflection.v1.ServerReflection/",
        "/grpc.reflection.v1alpha.ServerReflection/",
    ];

    private readonly FrozenDictionary<string, FleetRole> _table;

    /// <summary>The table for both services, with optional additions or overrides.</summary>
    public MethodRoles(IEnumerable<KeyValuePair<string, FleetRole>>? overrides = null)
    {
        var table = new Dictionary<string, FleetRole>(StringComparer.Ordinal)
        {
            [Agent + "GetHostInfo"] = FleetRole.Viewer,
            [Agent + "ListVirtualMachines"] = FleetRole.Viewer,
            [Agent + "ListCollections"] = FleetRole.Viewer,
            [Agent + "ListSnapshots"] = FleetRole.Viewer,
            [Agent + "WatchJob"] = FleetRole.Viewer,
            [Agent + "GetJob"] = FleetRole.Viewer,
            [Agent + "ListJobs"] = FleetRole.Viewer,
            [Agent + "CreateSnapshot"] = FleetRole.Operator,
            [Agent + "ExportSnapshot"] = FleetRole.Operator,
            [Agent + "CancelJob"] = FleetRole.Operator,
            [Agent + "DeleteSnapshot"] = FleetRole.Admin,
            [Fleet + "ListHosts"] = FleetRole.Viewer,
            [Fleet + "GetOperation"] = FleetRole.Viewer,
            [Fleet + "ListOperations"] = FleetRole.Viewer,
            [Fleet + "WatchOperation"] = FleetRole.Viewer,
            [Fleet + "StartFleetSnapshot"] = FleetRole.Operator,
            [Fleet + "StartFleetExport"] = FleetRole.Operator,
            [Fleet + "CancelOperation"] = FleetRole.Operator,
            [Fleet + "RetryOperation"] = FleetRole.Operator,
        };
        foreach (var (method, role) in overrides ?? [])
        {
            table[method] = role;
        }

        _table = table.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The role <paramref name="method"/> needs (admin when unknown).</summary>
    public FleetRole RequiredRole(string method)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (_table.TryGetValue(method, out var role))
        {
            return role;
        }

        foreach (var prefix in ViewerServicePrefixes)
        {
            if (method.StartsWith(prefix, StringComparison.Ordinal))
            {
                return FleetRole.Viewer;
            }
        }

        return FleetRole.Admin;
    }

    /// <summary>True when the method changes state (it needs more than viewer): audited and rate-limited.</summary>
    public bool IsMutating(string method) => RequiredRole(method) > FleetRole.Viewer;
}
