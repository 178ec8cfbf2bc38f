using HvFleet.Security.Authorization;

namespace HvFleet.Agent.Hosting;

/// <summary>
/// Agent settings given by environment variables or command-line flags; null means "not given".
/// Applied over appsettings.json, whole values replaced (an export root list replaces the
/// configured list rather than merging with it index by index).
/// </summary>
internal sealed record AgentSettingsOverrides
{
    public static readonly AgentSettingsOverrides None = new();

    public string? Listen { get; init; }

    public AgentBackend? Backend { get; init; }

    public string? LabDirectory { get; init; }

    public string? DataDirectory { get; init; }

    public IReadOnlyList<string>? ExportRoots { get; init; }

    public bool? Insecure { get; init; }

    public bool? InsecureLoopbackTcp { get; init; }

    public FleetRole? InsecureLoopbackRole { get; init; }

    public string? TlsCertificate { get; init; }

    public string? TlsKey { get; init; }

    public string? ClientCa { get; init; }

    /// <summary>Other configuration keys set by flags (e.g. Lab:Faults:Delay from --lab-latency).</summary>
    public IReadOnlyDictionary<string, string?> Configuration { get; init; } = NoConfiguration;

    private static readonly Dictionary<string, string?> NoConfiguration = [];

    public void ApplyTo(AgentOptions options)
    {
        options.Listen = Listen ?? options.Listen;
        options.Backend = Backend ?? options.Backend;
        options.LabDirectory = LabDirectory ?? options.LabDirectory;
        options.DataDirectory = DataDirectory ?? options.DataDirectory;
        if (ExportRoots is not null)
        {
            options.ExportRoots = [.. ExportRoots];
        }

        options.Insecure = Insecure ?? options.Insecure;
        options.InsecureLoopbackTcp = InsecureLoopbackTcp ?? options.InsecureLoopbackTcp;
        options.InsecureLoopbackRole = InsecureLoopbackRole ?? options.InsecureLoopbackRole;
        options.TlsCertificate = TlsCertificate ?? options.TlsCertificate;
        options.TlsKey = TlsKey ?? options.TlsKey;
        options.ClientCa = ClientCa ?? options.ClientCa;
    }

    /// <summary>Parses "lab" or "hyperv" (any case).</summary>
    internal static bool TryParseBackend(string value, out AgentBackend backend)
    {
        switch (value.Trim().ToLowerInvariant())
        {
            case "lab":
                backend = AgentBackend.Lab;
                return true;
            case "hyperv":
            case "hyper-v":
                backend = AgentBackend.HyperV;
                return true;
            default:
                backend = default;
                return false;
        }
    }

    /// <summary>Parses true/false/1/0/yes/no (any case).</summary>
    internal static bool TryParseBool(string value, out bool result)
    {
        switch (value.Trim().ToLowerInvariant())
        {
            case "true" or "1" or "yes" or "on":
                result = true;
                return true;
            case "false" or "0" or "no" or "off":
                result = false;
                return true;
            default:
                result = false;
                return false;
        }
    }
}
