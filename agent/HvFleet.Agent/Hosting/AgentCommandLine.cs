namespace HvFleet.Agent.Hosting;

/// <summary>
/// The agent's flags: <c>--listen HOST:PORT --backend lab|hyperv --lab-dir DIR --data-dir DIR
/// --export-root DIR [--export-root DIR ...] --insecure --help</c>; each also as <c>--flag=value</c>.
/// </summary>
internal sealed record AgentCommandLine(AgentSettingsOverrides Overrides, IReadOnlyList<string> Errors, bool ShowHelp)
{
    public const string Usage = """
        Usage: hvfleet-agent [options]

          --listen HOST:PORT     address to serve on (default 127.0.0.1:50051; [::1]:PORT for IPv6)
          --backend lab|hyperv   hypervisor backend (default: hyperv on Windows, lab elsewhere)
          --lab-dir DIR          lab hypervisor directory (default: <data-dir>/lab)
          --data-dir DIR         job database and default export root (default: per-platform data folder)
          --export-root DIR      allowed export root; repeat for several (default: <data-dir>/exports)
          --insecure             plaintext HTTP/2 without TLS; only on a loopback listen address
          -h, --help             show this help

        Every setting can also come from appsettings.json (section "Agent") or from the environment:
        HVFLEET_AGENT_LISTEN, _BACKEND, _LAB_DIR, _DATA_DIR, _EXPORT_ROOTS (separated by the
        platform's path separator), _INSECURE. Flags win over the environment, which wins over the file.
        """;

    public static AgentCommandLine Parse(IReadOnlyList<string> args)
    {
        var errors = new List<string>();
        var overrides = new AgentSettingsOverrides();
        List<string>? exportRoots = null;
        var help = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string flag = arg;
            string? inline = null;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                flag = arg[..equals];
                inline = arg[(equals + 1)..];
            }

            string? Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    return args[++i];
                }

                errors.Add($"{flag} needs a value.");
                return null;
            }

            switch (flag)
            {
                case "-h" or "--help":
                    help = true;
                    break;
                case "--listen":
                    overrides = overrides with { Listen = Value() ?? overrides.Listen };
                    break;
                case "--backend":
                    if (Value() is { } backendText)
                    {
                        if (AgentSettingsOverrides.TryParseBackend(backendText, out var backend))
                        {
                            overrides = overrides with { Backend = backend };
                        }
                        else
                        {
                            errors.Add($"--backend must be 'lab' or 'hyperv', got '{backendText}'.");
                        }
                    }

                    break;
                case "--lab-dir":
                    overrides = overrides with { LabDirectory = Value() ?? overrides.LabDirectory };
                    break;
                case "--data-dir":
                    overrides = overrides with { DataDirectory = Value() ?? overrides.DataDirectory };
                    break;
                case "--export-root":
                    if (Value() is { } root)
                    {
                        (exportRoots ??= []).Add(root);
                    }

                    break;
                case "--insecure":
                    if (inline is null)
                    {
                        overrides = overrides with { Insecure = true };
                    }
                    else if (AgentSettingsOverrides.TryParseBool(inline, out var insecure))
                    {
                        overrides = overrides with { Insecure = insecure };
                    }
                    else
                    {
                        errors.Add($"--insecure takes no value (or true/false), got '{inline}'.");
                    }

                    break;
                default:
                    errors.Add($"Unknown argument '{arg}'. Run hvfleet-agent --help for the options.");
                    break;
            }
        }

        if (exportRoots is not null)
        {
            overrides = overrides with { ExportRoots = exportRoots };
        }

        return new AgentCommandLine(overrides, errors, help);
    }
}
