using System.Collections;

namespace HvFleet.Agent.Hosting;

/// <summary>
/// Agent settings from environment variables: HVFLEET_AGENT_LISTEN, HVFLEET_AGENT_BACKEND,
/// HVFLEET_AGENT_LAB_DIR, HVFLEET_AGENT_DATA_DIR, HVFLEET_AGENT_EXPORT_ROOTS (several roots
/// separated by <see cref="Path.PathSeparator"/>) and HVFLEET_AGENT_INSECURE. Other sections are
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

        var overrides = new AgentSettingsOverrides
        {
            Listen = Get("LISTEN"),
            Backend = backend,
            LabDirectory = Get("LAB_DIR"),
            DataDirectory = Get("DATA_DIR"),
            ExportRoots = Get("EXPORT_ROOTS")?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Insecure = insecure,
        };
        return (overrides, errors);
    }
}
