using System.Collections;
using HvFleet.Security.Authorization;

namespace HvFleet.Agent.Hosting;

/// <summary>
/// Agent settings from environment variables: HVFLEET_AGENT_LISTEN, HVFLEET_AGENT_BACKEND,
/// HVFLEET_AGENT_LAB_DIR, HVFLEET_AGENT_DATA_DIR, HVFLEET_AGENT_EXPORT_ROOTS (several roots
/// separated by <see cref="Path.PathSeparator"/>), HVFLEET_AGENT_INSECURE, HVFLEET_AGENT_INSECURE_LOOPBACK_TCP and
/// HVFLEET_AGENT_INSECURE_LOOPBACK_ROLE. Other sections are
/// reachable as HVFLEET_AGENT_&lt;SECTION&gt;__&lt;KEY&gt; (e.g. HVFLEET_AGENT_JOBS__MAXQUEUEDJOBS)
/// through the configuration's environment provider.
/// </summary>
internal static class AgentEnvironment
{
    public const string Prefix = "HVFLEET_AGENT_";

    public static (AgentSettingsOverrides Overrides, IReadOnlyList<string> Errors) Parse(IDictionary environment)
    {
        var errors = new List<string>();
        string? Get(string name) => environment[Prefix + name] is string { Length: > 0 } value ? value : null;

        AgentBackend? backend = null;
        if (Get("BACKEND") is { } backendText)
        {
            if (AgentSettingsOverrides.TryParseBackend(backendText, out var parsed))
            {
                backend = parsed;
            }
            else
            {
                errors.Add($"{Prefix}BACKEND must be 'lab' or 'hyperv', got '{backendText}'.");
            }
        }

        bool? insecure = null;
        if (Get("INSECURE") is { } insecureText)
        {
            if (AgentSettingsOverrides.TryParseBool(insecureText, out var parsed))
            {
                insecure = parsed;
            }
            else
            {
                errors.Add($"{Prefix}INSECURE must be true or false, got '{insecureText}'.");
            }
        }

        bool? loopbackTcp = null;
        if (Get("INSECURE_LOOPBACK_TCP") is { } loopbackText)
        {
            if (AgentSettingsOverrides.TryParseBool(loopbackText, out var parsed))
            {
                loopbackTcp = parsed;
            }
            else
            {
                errors.Add($"{Prefix}INSECURE_LOOPBACK_TCP must be true or false, got '{loopbackText}'.");
            }
        }

        FleetRole? loopbackRole = null;
        if (Get("INSECURE_LOOPBACK_ROLE") is { } roleText)
        {
            if (FleetRoles.TryParse(roleText, out var parsed))
            {
                loopbackRole = parsed;
            }
            else
            {
                errors.Add($"{Prefix}INSECURE_LOOPBACK_ROLE must be viewer, operator or admin, got '{roleText}'.");
            }
        }

        var overrides = new AgentSettingsOverrides
        {
            Listen = Get("LISTEN"),
            Backend = backend,
            LabDirectory = Get("LAB_DIR"),
            DataDirectory = Get("DATA_DIR"),
            ExportRoots = Get("EXPORT_ROOTS")?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Insecure = insecure,
            InsecureLoopbackTcp = loopbackTcp,
            InsecureLoopbackRole = loopbackRole,
        };
        return (overrides, errors);
    }
}
