using HvFleet.Security.Authorization;

namespace HvFleet.Agent.Hosting;

/// <summary>
/// The agent's own settings: section "Agent" of appsettings.json, overridden by environment
/// variables (HVFLEET_AGENT_LISTEN, _BACKEND, _LAB_DIR, _DATA_DIR, _EXPORT_ROOTS, _INSECURE, _INSECURE_LOOPBACK_TCP,
/// _INSECURE_LOOPBACK_ROLE) and then by command-line flags (--listen, --backend, --lab-dir, --data-dir, --export-root,
/// --insecure, --insecure-loopback-tcp, --insecure-loopback-role).
/// Unset values get their defaults once the data directory is known (see <see cref="AgentOptionsDefaults"/>).
/// </summary>
internal sealed class AgentOptions
{
    public const string SectionName = "Agent";

    /// <summary>The port the agent listens on unless told otherwise (gRPC's customary port).</summary>
    public const int DefaultPort = 50051;

    /// <summary>HOST:PORT to listen on ([::1]:PORT for IPv6), or unix:/PATH: plaintext on an owner-only Unix socket for
    /// this user and root (admins, audited with their uid). Default 127.0.0.1:50051.</summary>
    public string Listen { get; set; } = "127.0.0.1:" + DefaultPort;

    /// <summary>The hypervisor backend. Default: Hyper-V on Windows, the lab elsewhere.</summary>
    public AgentBackend? Backend { get; set; }

    /// <summary>The lab hypervisor's directory. Default: &lt;data dir&gt;/lab.</summary>
    public string? LabDirectory { get; set; }

    /// <summary>
    /// Where the agent keeps its job database and default export root. Default: %ProgramData%\HvFleet\Agent
    /// on Windows, $XDG_DATA_HOME (or ~/.local/share)/hvfleet-agent elsewhere.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>Export directories must lie inside one of these. Default: one root, &lt;data dir&gt;/exports.</summary>
    public List<string> ExportRoots { get; set; } = [];

    /// <summary>The old plaintext switch. On TCP it is refused unless <see cref="InsecureLoopbackTcp"/> opts in (it made every
    /// local user an admin); with a unix:/PATH listen address it changes nothing.</summary>
    public bool Insecure { get; set; }

    /// <summary>Plaintext HTTP/2 over TCP on a loopback <see cref="Listen"/> address: an explicit opt-in, logged at Warning on
    /// start, for tools that cannot use a Unix socket. Every local user can connect; they get <see cref="InsecureLoopbackRole"/>.</summary>
    public bool InsecureLoopbackTcp { get; set; }

    /// <summary>Role of callers on plaintext loopback TCP (viewer, operator, admin). Default viewer.</summary>
    public FleetRole InsecureLoopbackRole { get; set; } = FleetRole.Viewer;

    /// <summary>PEM certificate the agent serves with (TLS).</summary>
    public string? TlsCertificate { get; set; }

    /// <summary>PEM private key of <see cref="TlsCertificate"/>.</summary>
    public string? TlsKey { get; set; }

    /// <summary>PEM CA certificate that client certificates must chain to (mTLS).</summary>
    public string? ClientCa { get; set; }
}
