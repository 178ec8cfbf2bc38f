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

        if (options.Insecure && listenOk && !listen!.IsLoopback)
        {
            failures.Add($"--insecure (plaintext HTTP/2) is refused on {listen}: it is only allowed on a loopback address " +
                "(127.0.0.1, [::1] or localhost), where no other machine can connect. Listen on loopback, or drop --insecure and use TLS.");
        }

        var tls = options.TlsCertificate is not null || options.TlsKey is not null || options.ClientCa is not null;
        if (options.Insecure && tls)
        {
            failures.Add("--insecure and --tls-cert/--tls-key/--client-ca exclude each other: choose plaintext on loopback, or TLS.");
        }
        else if (!options.Insecure && !tls)
        {
            failures.Add("no TLS certificate is configured: pass --tls-cert FILE --tls-key FILE --client-ca FILE " +
                "(certificates from 'hvfleet pki'), or --insecure for plaintext on a loopback address.");
        }
        else if (tls)
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
