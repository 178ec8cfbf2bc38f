namespace HvFleet.Orchestrator.Agents.Grpc;

/// <summary>How the orchestrator connects to agents.</summary>
public sealed class AgentConnectionOptions
{
    public const string SectionName = "HvFleet:Agents";

    /// <summary>Scheme for inventory addresses written as host:port: https (TLS, the default) or http (h2c, loopback
    /// and labs only). An address written as a URL keeps its own scheme.</summary>
    public bool UseTls { get; set; } = true;

    /// <summary>Time to establish a connection (default 5 s).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Deadline of unary calls (listing, GetJob, CancelJob, health; default 30 s).</summary>
    public TimeSpan UnaryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deadline of one job stream (CreateSnapshot, ExportSnapshot, DeleteSnapshot, WatchJob; default 24 h). A job
    /// still running when it passes is not lost: the stream ends with DEADLINE_EXCEEDED, which is retryable, and the task
    /// re-attaches to the same job by its id. The policy's host timeout is what bounds a task.</summary>
    public TimeSpan StreamTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>PEM file of the fleet CA that agent certificates must chain to (empty: the system's trust).</summary>
    public string CaCertificatePath { get; set; } = "";

    /// <summary>PEM certificate presented to agents for mTLS (empty: none).</summary>
    public string ClientCertificatePath { get; set; } = "";

    /// <summary>PEM private key of <see cref="ClientCertificatePath"/>.</summary>
    public string ClientKeyPath { get; set; } = "";
}
