using System.Globalization;
using HvFleet.Security.Authorization;

namespace HvFleet.Agent.Hosting;

/// <summary>
/// The agent's flags: <c>--listen HOST:PORT|unix:/PATH --backend lab|hyperv --lab-dir DIR --data-dir DIR
/// --export-root DIR [--export-root DIR ...] --insecure-loopback-tcp --insecure-loopback-role ROLE --help</c>; each also
/// as <c>--flag=value</c>.
/// </summary>
internal sealed record AgentCommandLine(AgentSettingsOverrides Overrides, IReadOnlyList<string> Errors, bool ShowHelp)
{
    public const string Usage = """
        Usage: hvfleet-agent [options]

          --listen HOST:PORT     address to serve on (default 127.0.0.1:50051; [::1]:PORT for IPv6)
          --listen unix:/PATH    plaintext on an owner-only unix socket (Linux): only this user and root may
                                 call (as admin), each call audited with the caller's uid
          --backend lab|hyperv   hypervisor backend (default: hyperv on Windows, lab elsewhere)
          --lab-dir DIR          lab hypervisor directory (default: <data-dir>/lab)
          --data-dir DIR         job database and default export root (default: per-platform data folder)
          --export-root DIR      allowed export root; repeat for several (default: <data-dir>/exports)
          --insecure-loopback-tcp  plaintext HTTP/2 over TCP on a loopback listen address (explicit opt-in,
                                 logged as a warning): every local user can connect, with the role below
          --insecure-loopback-role viewer|operator|admin  role of plaintext loopback TCP callers (default viewer)
          --insecure             refused on TCP without --insecure-loopback-tcp (it made every local user an admin)
          --tls-cert FILE        PEM server certificate (TLS; with --tls-key and --client-ca)
          --tls-key FILE         PEM private key of the certificate
          --client-ca FILE       PEM CA that client certificates must chain to (mutual TLS)
          --lab-latency DURATION lab: delay before each operation (e.g. 250ms, 2s, 00:00:01)
          --lab-fail-probability P  lab: chance (0..1) that an operation fails
          --lab-fail-next N      lab: fail the next N operations
          --lab-disk-size BYTES  lab: size of each seeded disk
          -h, --help             show this help

        Every setting can also come from appsettings.json (section "Agent") or from the environment:
        HVFLEET_AGENT_LISTEN, _BACKEND, _LAB_DIR, _DATA_DIR, _EXPORT_ROOTS (separated by the
        platform's path separator), _INSECURE, _INSECURE_LOOPBACK_TCP, _INSECURE_LOOPBACK_ROLE.
        Flags win over the environment, which wins over the file.
        """;

    public static AgentCommandLine Parse(IReadOnlyList<string> args)
    {
        var errors = new List<string>();
        var overrides = new AgentSettingsOverrides();
        List<string>? exportRoots = null;
        var help = false;
        var configuration = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
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
                case "--insecure-loopback-tcp":
                    if (inline is null)
                    {
                        overrides = overrides with { InsecureLoopbackTcp = true };
                    }
                    else if (AgentSettingsOverrides.TryParseBool(inline, out var loopbackTcp))
                    {
                        overrides = overrides with { InsecureLoopbackTcp = loopbackTcp };
                    }
                    else
                    {
                        errors.Add($"--insecure-loopback-tcp takes no value (or true/false), got '{inline}'.");
                    }

                    break;
                case "--insecure-loopback-role":
                    if (Value() is { } roleText)
                    {
                        if (FleetRoles.TryParse(roleText, out var role))
                        {
                            overrides = overrides with { InsecureLoopbackRole = role };
                        }
                        else
                        {
                            errors.Add($"--insecure-loopback-role must be viewer, operator or admin, got '{roleText}'.");
                        }
                    }

                    break;
                case "--tls-cert":
                    overrides = overrides with { TlsCertificate = Value() ?? overrides.TlsCertificate };
                    break;
                case "--tls-key":
                    overrides = overrides with { TlsKey = Value() ?? overrides.TlsKey };
                    break;
                case "--client-ca":
                    overrides = overrides with { ClientCa = Value() ?? overrides.ClientCa };
                    break;
                case "--lab-latency":
                    if (Value() is { } latencyText)
                    {
                        if (TryParseDuration(latencyText, out var latency))
                        {
                            configuration["Lab:Faults:Delay"] = latency.ToString("c", CultureInfo.InvariantCulture);
                        }
                        else
                        {
                            errors.Add($"--lab-latency must be a duration such as 250ms, 2s or 00:00:01, got '{latencyText}'.");
                        }
                    }

                    break;
                case "--lab-fail-probability":
                    if (Value() is { } probabilityText)
                    {
                        if (double.TryParse(probabilityText, NumberStyles.Float, CultureInfo.InvariantCulture, out var probability) && probability is >= 0 and <= 1)
                        {
                            configuration["Lab:Faults:FailureProbability"] = probability.ToString(CultureInfo.InvariantCulture);
                        }
                        else
                        {
                            errors.Add($"--lab-fail-probability must be a number from 0 to 1, got '{probabilityText}'.");
                        }
                    }

                    break;
                case "--lab-fail-next":
                    if (Value() is { } failNextText)
                    {
                        if (int.TryParse(failNextText, NumberStyles.None, CultureInfo.InvariantCulture, out var failNext))
                        {
                            configuration["Lab:Faults:FailNext"] = failNext.ToString(CultureInfo.InvariantCulture);
                        }
                        else
                        {
                            errors.Add($"--lab-fail-next must be a whole number, got '{failNextText}'.");
                        }
                    }

                    break;
                case "--lab-disk-size":
                    if (Value() is { } sizeText)
                    {
                        if (long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > 0)
                        {
                            configuration["Lab:SeedDiskSizeBytes"] = size.ToString(CultureInfo.InvariantCulture);
                        }
                        else
                        {
                            errors.Add($"--lab-disk-size must be a positive number of bytes, got '{sizeText}'.");
                        }
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

        if (configuration.Count > 0)
        {
            overrides = overrides with { Configuration = configuration };
        }

        return new AgentCommandLine(overrides, errors, help);
    }

    /// <summary>Parses 250ms, 2s, 1.5s, 3m, 1h or a TimeSpan such as 00:00:02.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        text = text.Trim();
        (string Suffix, double Milliseconds)[] units = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)];
        foreach (var (suffix, milliseconds) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal) && !(suffix == "s" && text.EndsWith("ms", StringComparison.Ordinal)) &&
                double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount >= 0)
            {
                duration = TimeSpan.FromMilliseconds(amount * milliseconds);
                return true;
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration) && duration >= TimeSpan.Zero;
    }
}
