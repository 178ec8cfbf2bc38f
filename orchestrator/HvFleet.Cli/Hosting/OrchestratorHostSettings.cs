namespace HvFleet.Cli.Hosting;

/// <summary>What <c>hvfleet serve</c> (and the demo) need to run an orchestrator.</summary>
internal sealed record OrchestratorHostSettings
{
    /// <summary>HOST:PORT of the Fleet API: mTLS, or plaintext on loopback with <see cref="Insecure"/>.</summary>
    public string Listen { get; init; } = "127.0.0.1:7600";

    /// <summary>Optional HOST:PORT of a second, plaintext listener that serves only grpc.health.v1 (probes).</summary>
    public string? HealthListen { get; init; }

    public required string InventoryPath { get; init; }

    public required string DataDirectory { get; init; }

    /// <summary>Serve the Fleet API in plaintext; allowed only on a loopback address, where callers are the local admin.</summary>
    public bool Insecure { get; init; }

    /// <summary>PEM server certificate of the Fleet API (also the client certificate towards agents unless overridden).</summary>
    public string TlsCertificatePath { get; init; } = "";

    public string TlsKeyPath { get; init; } = "";

    /// <summary>PEM fleet CA that callers' certificates must chain to (also the CA agents must chain to unless overridden).</summary>
    public string ClientCaPath { get; init; } = "";

    /// <summary>Reach agents written as host:port over h2c instead of TLS (labs, loopback).</summary>
    public bool AgentsInsecure { get; init; }

    /// <summary>CA agent certificates must chain to; empty: <see cref="ClientCaPath"/>.</summary>
    public string AgentsCaPath { get; init; } = "";

    /// <summary>Client certificate presented to agents; empty: <see cref="TlsCertificatePath"/>.</summary>
    public string ClientCertificatePath { get; init; } = "";

    public string ClientKeyPath { get; init; } = "";

    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary>Every problem with these settings, each naming its flag; empty when they can run.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        bool listenOk = OrchestratorHost.TryParseEndPoint(Listen, out var listen);
        if (!listenOk)
        {
            problems.Add($"--listen '{Listen}' must be HOST:PORT with an IP address, localhost or *");
        }

        var tlsFiles = new[] { ("--tls-cert", TlsCertificatePath), ("--tls-key", TlsKeyPath), ("--client-ca", ClientCaPath) };
        if (Insecure)
        {
            if (listenOk && !System.Net.IPAddress.IsLoopback(listen!.Address))
            {
                problems.Add($"--insecure serves plaintext and is allowed only on a loopback --listen address, not '{Listen}'; "
                    + "off loopback give --tls-cert, --tls-key and --client-ca (mutual TLS)");
            }

            if (tlsFiles.Any(f => f.Item2.Length > 0))
            {
                problems.Add("--insecure and --tls-cert/--tls-key/--client-ca exclude each other: choose plaintext on loopback or mutual TLS");
            }
        }
        else
        {
            var missing = tlsFiles.Where(f => f.Item2.Length == 0).Select(f => f.Item1).ToList();
            if (missing.Count > 0)
            {
                problems.Add($"the Fleet API serves mutual TLS only: give {string.Join(", ", missing)} "
                    + "(from hvfleet pki), or --insecure for plaintext on a loopback --listen address");
            }
        }

        if (!AgentsInsecure && AgentsCaPath.Length == 0 && ClientCaPath.Length == 0)
        {
            problems.Add("agents are reached over mutual TLS: give --client-ca (or --agents-ca) for the fleet CA they chain to, "
                + "or --agents-insecure for plaintext lab agents");
        }

        if (!AgentsInsecure && ClientCertificatePath.Length == 0 && TlsCertificatePath.Length == 0)
        {
            problems.Add("agents require a client certificate: give --tls-cert/--tls-key (one certificate serves both ways) "
                + "or --client-cert/--client-key, or --agents-insecure for plaintext lab agents");
        }

        if ((ClientCertificatePath.Length > 0) != (ClientKeyPath.Length > 0))
        {
            problems.Add("--client-cert and --client-key go together");
        }

        foreach (var (flag, path) in tlsFiles.Concat([("--agents-ca", AgentsCaPath), ("--client-cert", ClientCertificatePath), ("--client-key", ClientKeyPath)]))
        {
            if (path.Length > 0 && !File.Exists(path))
            {
                problems.Add($"{flag}: file '{path}' does not exist");
            }
        }

        if (HealthListen is { Length: > 0 } health)
        {
            if (!OrchestratorHost.TryParseEndPoint(health, out var healthEndPoint))
            {
                problems.Add($"--health-listen '{health}' must be HOST:PORT with an IP address, localhost or *");
            }
            else if (listenOk && healthEndPoint!.Port != 0 && healthEndPoint.Port == listen!.Port)
            {
                problems.Add($"--health-listen '{health}' must use another port than --listen '{Listen}'");
            }
        }

        return problems;
    }
}
