namespace HvFleet.Cli.Hosting;

/// <summary>What <c>hvfleet serve</c> (and the demo) need to run an orchestrator.</summary>
internal sealed record OrchestratorHostSettings
{
    /// <summary>HOST:PORT to serve the Fleet API on (cleartext h2c; put it behind TLS or keep it on loopback).</summary>
    public string Listen { get; init; } = "127.0.0.1:7600";

    public required string InventoryPath { get; init; }

    public required string DataDirectory { get; init; }

    /// <summary>Reach agents written as host:port over h2c instead of TLS (labs, loopback).</summary>
    public bool AgentsInsecure { get; init; }

    public string CaCertificatePath { get; init; } = "";

    public string ClientCertificatePath { get; init; } = "";

    public string ClientKeyPath { get; init; } = "";

    public LogLevel LogLevel { get; init; } = LogLevel.Information;
}
