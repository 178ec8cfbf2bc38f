using System.Net;
using HvFleet.Security.Unix;
using HvFleet.Security.Authorization;
using Microsoft.Extensions.Logging;

namespace HvFleet.Orchestrator.Hosting;

/// <summary>What <c>hvfleet serve</c> (and the demo) need to run an orchestrator.</summary>
public sealed record OrchestratorHostSettings
{
    /// <summary>HOST:PORT of the Fleet API (mTLS, or plaintext TCP on loopback with <see cref="InsecureLoopbackTcp"/>), or
    /// unix:/PATH: plaintext on an owner-only Unix socket for this user and root (admins, audited with their uid).</summary>
    public string Listen { get; init; } = "127.0.0.1:7600";

    /// <summary>Optional HOST:PORT of a second, plaintext listener that serves only grpc.health.v1 (probes).</summary>
    public string? HealthListen { get; init; }

    public required string InventoryPath { get; init; }

    public required string DataDirectory { get; init; }

    /// <summary>The old plaintext switch: on TCP it is refused without <see cref="InsecureLoopbackTcp"/> (it made every local
    /// user an admin); with a unix:/PATH <see cref="Listen"/> it changes nothing.</summary>
    public bool Insecure { get; init; }

    /// <summary>Serve the Fleet API in plaintext TCP on a loopback address: an explicit opt-in, logged at Warning on start.
    /// Every local user can connect; callers get <see cref="InsecureLoopbackRole"/>.</summary>
    public bool InsecureLoopbackTcp { get; init; }

    /// <summary>Role of plaintext loopback TCP callers; default viewer.</summary>
    public FleetRole InsecureLoopbackRole { get; init; } = FleetRole.Viewer;

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
        bool unix = UnixSocketAddress.IsUnix(Listen);
        string? socketPath = null;
        string? unixError = null;
        IPEndPoint? listen = null;
        bool listenOk = unix ? UnixSocketAddress.TryParse(Listen, out socketPath, out unixError) : OrchestratorHost.TryParseEndPoint(Listen, out listen);
        if (!listenOk)
        {
            problems.Add(unix ? $"--listen {unixError}" : $"--listen '{Listen}' must be HOST:PORT with an IP address, localhost or *, or unix:/PATH");
        }

        var tlsFiles = new[] { ("--tls-cert", TlsCertificatePath), ("--tls-key", TlsKeyPath), ("--client-ca", ClientCaPath) };
        if (unix)
        {
            // Plaintext for the local owner: the socket is owner-only and each caller's uid is checked.
            if (tlsFiles.Any(f => f.Item2.Length > 0))
            {
                problems.Add($"--listen {Listen} serves plaintext to this user and root on a unix socket: --tls-cert/--tls-key/--client-ca do not apply "
                    + "to it (give --client-cert/--client-key/--agents-ca for agents); or listen on HOST:PORT for mutual TLS");
            }

            if (InsecureLoopbackTcp)
            {
                problems.Add($"--insecure-loopback-tcp is for a TCP --listen address; {Listen} is a unix socket, which needs no opt-in");
            }

            if (socketPath is not null)
            {
                problems.AddRange(UnixSocketListener.ListenProblems(socketPath).Select(p => $"--listen {p}"));
            }
        }
        else if (InsecureLoopbackTcp)
        {
            if (listenOk && !IPAddress.IsLoopback(listen!.Address))
            {
                problems.Add($"--insecure-loopback-tcp serves plaintext and is allowed only on a loopback --listen address, not '{Listen}'; "
                    + "off loopback give --tls-cert, --tls-key and --client-ca (mutual TLS)");
            }

            if (tlsFiles.Any(f => f.Item2.Length > 0))
            {
                problems.Add("--insecure-loopback-tcp and --tls-cert/--tls-key/--client-ca exclude each other: choose plaintext on loopback or mutual TLS");
            }
        }
        else if (Insecure)
        {
            problems.Add("--insecure alone is refused: plaintext TCP let every local user call the orchestrator as an admin. "
                + "For local access listen on a unix socket (--listen unix:/run/hvfleet/hvfleet.sock: only this user and root, audited with their uid); "
                + "to accept plaintext TCP on loopback anyway, add the explicit opt-in --insecure-loopback-tcp "
                + "(logged as a warning; callers get --insecure-loopback-role, default viewer)");
        }
        else
        {
            var missing = tlsFiles.Where(f => f.Item2.Length == 0).Select(f => f.Item1).ToList();
            if (missing.Count > 0)
            {
                problems.Add($"the Fleet API serves mutual TLS only: give {string.Join(", ", missing)} "
                    + "(from hvfleet pki), or --listen unix:/PATH for plaintext to the local owner, "
                    + "or --insecure-loopback-tcp for plaintext TCP on a loopback --listen address");
            }
        }

        if (!Enum.IsDefined(InsecureLoopbackRole))
        {
            problems.Add($"--insecure-loopback-role must be viewer, operator or admin, got {(int)InsecureLoopbackRole}");
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
            else if (listen is not null && healthEndPoint!.Port != 0 && healthEndPoint.Port == listen.Port)
            {
                problems.Add($"--health-listen '{health}' must use another port than --listen '{Listen}'");
            }
        }

        return problems;
    }
}
