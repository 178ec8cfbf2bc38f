using Microsoft.Extensions.Options;

namespace HvFleet.Agent.Hosting;

/// <summary>Reports every problem with the agent's settings at once.</summary>
internal sealed class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        var errors = new List<string>();
        if (!ListenAddress.TryParse(options.Listen, out var listen, out var listenError))
        {
            errors.Add(listenError!);
        }

        if (options.EffectiveBackend is not ("lab" or "hyperv"))
        {
            errors.Add($"backend '{options.Backend}' is unknown; use lab or hyperv");
        }
        else if (options.EffectiveBackend == "hyperv" && !OperatingSystem.IsWindows())
        {
            errors.Add("backend hyperv needs Windows with Hyper-V; use --backend lab on this machine");
        }

        var tls = options.TlsCertificate is not null || options.TlsKey is not null;
        if (options.Insecure && tls)
        {
            errors.Add("--insecure and --tls-cert/--tls-key exclude each other: choose plaintext on loopback or TLS");
        }

        if (options.Insecure && listen is { IsLoopback: false })
        {
            errors.Add($"--insecure (plaintext) is refused on {listen}: plaintext is allowed only on a loopback address; serve TLS with --tls-cert/--tls-key/--client-ca");
        }

        if (!options.Insecure && !tls)
        {
            errors.Add("no TLS certificate configured: pass --tls-cert FILE --tls-key FILE --client-ca FILE, or --insecure for plaintext on a loopback address");
        }

        if (tls && (options.TlsCertificate is null || options.TlsKey is null || options.ClientCa is null))
        {
            errors.Add("TLS needs all of --tls-cert, --tls-key and --client-ca (clients must present certificates from the fleet CA)");
        }

        foreach (var root in options.ExportRoots)
        {
            if (!Path.IsPathFullyQualified(root))
            {
                errors.Add($"export root '{root}' must be an absolute path");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
