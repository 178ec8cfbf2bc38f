using HvFleet.Security.Unix;
using Microsoft.Extensions.Options;

namespace HvFleet.Agent.Hosting;

/// <summary>Checks <see cref="AgentOptions"/> (after defaults), reporting every failure at once.</summary>
internal sealed class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        var failures = new List<string>();
        var listenOk = ListenAddress.TryParse(options.Listen, out var listen, out var listenError);
        if (!listenOk)
        {
            failures.Add($"listen address (--listen, Agent:Listen) {listenError}.");
        }

        if (options.Backend is { } backend && !Enum.IsDefined(backend))
        {
            failures.Add($"backend (--backend, Agent:Backend) must be 'lab' or 'hyperv', got {(int)backend}.");
        }
        else if (options.Backend == AgentBackend.HyperV && !OperatingSystem.IsWindows())
        {
            failures.Add("backend (--backend) 'hyperv' needs Windows with Hyper-V; use '--backend lab' on this machine.");
        }

        Absolute("data directory (--data-dir, Agent:DataDirectory)", options.DataDirectory, failures);
        Absolute("lab directory (--lab-dir, Agent:LabDirectory)", options.LabDirectory, failures);
        if (options.ExportRoots.Count == 0)
        {
            failures.Add("at least one export root (--export-root, Agent:ExportRoots) is required.");
        }

        for (var i = 0; i < options.ExportRoots.Count; i++)
        {
            Absolute($"export root #{i + 1} (--export-root, Agent:ExportRoots)", options.ExportRoots[i], failures);
        }

        var tls = options.TlsCertificate is not null || options.TlsKey is not null || options.ClientCa is not null;
        if (!Enum.IsDefined(options.InsecureLoopbackRole))
        {
            failures.Add($"--insecure-loopback-role (Agent:InsecureLoopbackRole) must be viewer, operator or admin, got {(int)options.InsecureLoopbackRole}.");
        }

        if (listenOk && listen!.IsUnixSocket)
        {
            // Plaintext for the local owner: the socket is owner-only and each caller's uid is checked.
            if (tls)
            {
                failures.Add($"--listen {listen} serves plaintext to this user and root on a unix socket: --tls-cert/--tls-key/--client-ca do not apply; " +
                    "drop them, or listen on HOST:PORT for mutual TLS.");
            }

            if (options.InsecureLoopbackTcp)
            {
                failures.Add($"--insecure-loopback-tcp is for a TCP listen address; --listen {listen} is a unix socket, which needs no opt-in.");
            }

            foreach (var problem in UnixSocketListener.ListenProblems(listen.UnixSocketPath))
            {
                failures.Add($"listen address (--listen, Agent:Listen): {problem}.");
            }
        }
        else if (options.InsecureLoopbackTcp)
        {
            if (listenOk && !listen!.IsLoopback)
            {
                failures.Add($"--insecure-loopback-tcp (plaintext HTTP/2) is refused on {listen}: it is only allowed on a loopback address " +
                    "(127.0.0.1, [::1] or localhost), where no other machine can connect. Listen on loopback, or use TLS.");
            }

            if (tls)
            {
                failures.Add("--insecure-loopback-tcp and --tls-cert/--tls-key/--client-ca exclude each other: choose plaintext on loopback, or TLS.");
            }
        }
        else if (options.Insecure)
        {
            failures.Add("--insecure alone is refused: plaintext TCP let every local user call the agent as an admin. " +
                "For local access listen on a unix socket (--listen unix:/run/hvfleet/agent.sock: only this user and root, audited with their uid); " +
                "to accept plaintext TCP on loopback anyway, add the explicit opt-in --insecure-loopback-tcp " +
                "(logged as a warning; callers get --insecure-loopback-role, default viewer).");
        }
        else if (!tls)
        {
            failures.Add("no TLS certificate is configured: pass --tls-cert FILE --tls-key FILE --client-ca FILE " +
                "(certificates from 'hvfleet pki'), or --listen unix:/PATH for plaintext to the local owner, " +
                "or --insecure-loopback-tcp for plaintext TCP on a loopback address.");
        }
        else
        {
            Absolute("TLS certificate (--tls-cert, Agent:TlsCertificate)", options.TlsCertificate, failures);
            Absolute("TLS key (--tls-key, Agent:TlsKey)", options.TlsKey, failures);
            Absolute("client CA (--client-ca, Agent:ClientCa)", options.ClientCa, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Absolute(string what, string? path, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            failures.Add($"{what} is required.");
        }
        else if (path.Any(char.IsControl))
        {
            failures.Add($"{what} contains control characters.");
        }
        else if (!Path.IsPathFullyQualified(path))
        {
            failures.Add($"{what} must be an absolute path, got '{path}'.");
        }
    }
}
