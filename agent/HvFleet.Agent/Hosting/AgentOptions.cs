namespace HvFleet.Agent.Hosting;

/// <summary>The agent's own settings (section "Agent"; flags and HVFLEET_AGENT_ environment variables map onto it).</summary>
public sealed class AgentOptions
{
    public const string SectionName = "Agent";

    /// <summary>host:port to serve on (default 127.0.0.1:50051).</summary>
    public string Listen { get; set; } = "127.0.0.1:50051";

    /// <summary>"lab" or "hyperv"; default hyperv on Windows, lab elsewhere.</summary>
    public string? Backend { get; set; }

    /// <summary>Where the agent keeps its job database (default: a folder under the user's local data).</summary>
    public string? DataDirectory { get; set; }

    /// <summary>The lab host's directory (default: &lt;data-dir&gt;/lab).</summary>
    public string? LabDirectory { get; set; }

    /// <summary>Directories exports must resolve under (default: &lt;data-dir&gt;/exports).</summary>
    public List<string> ExportRoots { get; set; } = [];

    /// <summary>Serve plaintext HTTP/2; only allowed on a loopback address.</summary>
    public bool Insecure { get; set; }

    /// <summary>PEM certificate the agent serves with (TLS).</summary>
    public string? TlsCertificate { get; set; }

    /// <summary>PEM private key of <see cref="TlsCertificate"/>.</summary>
    public string? TlsKey { get; set; }

    /// <summary>PEM CA that client certificates must chain to (mTLS).</summary>
    public string? ClientCa { get; set; }

    /// <summary>Resolved backend name.</summary>
    public string EffectiveBackend => Backend?.ToLowerInvariant() ?? (OperatingSystem.IsWindows() ? "hyperv" : "lab");

    /// <summary>Resolved data directory.</summary>
    public string EffectiveDataDirectory => Path.GetFullPath(DataDirectory ?? Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "hvfleet-agent"));

    /// <summary>Resolved lab directory.</summary>
    public string EffectiveLabDirectory => Path.GetFullPath(LabDirectory ?? Path.Combine(EffectiveDataDirectory, "lab"));

    /// <summary>Resolved export roots.</summary>
    public IReadOnlyList<string> EffectiveExportRoots => ExportRoots.Count > 0
        ? [.. ExportRoots.Select(Path.GetFullPath)]
        : [Path.Combine(EffectiveDataDirectory, "exports")];
}
