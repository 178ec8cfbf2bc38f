namespace HvFleet.Agent.Hosting;

/// <summary>
/// Maps the agent's flags onto configuration keys, so flags, appsettings.json and
/// HVFLEET_AGENT_ environment variables all feed the same options (flags win).
/// </summary>
public static class AgentCommandLine
{
    public const string Usage = """
        hvfleet-agent: the HvFleet host agent (gRPC service hvfleet.agent.v1.HostAgent)

        Options:
          --listen HOST:PORT        address to serve on (default 127.0.0.1:50051)
          --backend lab|hyperv      hypervisor backend (default: hyperv on Windows, lab elsewhere)
          --data-dir DIR            job database and defaults live here
          --lab-dir DIR             lab host directory (default DATA-DIR/lab; seeded when empty)
          --export-root DIR         exports must resolve under it (repeatable; default DATA-DIR/exports)
          --insecure                plaintext HTTP/2, loopback addresses only
          --tls-cert FILE           PEM server certificate (TLS)
          --tls-key FILE            PEM private key
          --client-ca FILE          PEM CA that client certificates must chain to
          --lab-latency DURATION    lab: delay before each operation (e.g. 500ms, 2s)
          --lab-fail-probability P  lab: chance (0..1) each operation fails
          --lab-fail-next N         lab: fail the next N operations
          --lab-disk-size BYTES     lab: size of seeded disks
          --help                    show this text

        Configuration: appsettings.json sections Agent, Jobs, Lab, HyperV; environment variables
        HVFLEET_AGENT_Agent__Listen and the like.
        """;

    private static readonly Dictionary<string, string> ValueFlags = new(StringComparer.Ordinal)
    {
        ["--listen"] = "Agent:Listen",
        ["--backend"] = "Agent:Backend",
        ["--data-dir"] = "Agent:DataDirectory",
        ["--lab-dir"] = "Agent:LabDirectory",
        ["--tls-cert"] = "Agent:TlsCertificate",
        ["--tls-key"] = "Agent:TlsKey",
        ["--client-ca"] = "Agent:ClientCa",
        ["--lab-latency"] = "Lab:Faults:Delay",
        ["--lab-fail-probability"] = "Lab:Faults:FailureProbability",
        ["--lab-fail-next"] = "Lab:Faults:FailNext",
        ["--lab-disk-size"] = "Lab:SeedDiskSizeBytes",
    };

    /// <summary>Parses the arguments; errors name the flag.</summary>
    public static (Dictionary<string, string?> Settings, bool Help, List<string> Errors) Parse(IReadOnlyList<string> args)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var errors = new List<string>();
        var help = false;
        var exportRoots = 0;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var inline = arg.IndexOf('=', StringComparison.Ordinal);
            var flag = inline > 0 && arg.StartsWith("--", StringComparison.Ordinal) ? arg[..inline] : arg;
            string? TakeValue()
            {
                if (inline > 0)
                {
                    return arg[(inline + 1)..];
                }

                if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    return args[++i];
                }

                errors.Add($"{flag} needs a value");
                return null;
            }

            switch (flag)
            {
                case "--help" or "-h":
                    help = true;
                    break;
                case "--insecure":
                    settings["Agent:Insecure"] = "true";
                    break;
                case "--export-root":
                    if (TakeValue() is { } root)
                    {
                        settings[$"Agent:ExportRoots:{exportRoots++}"] = root;
                    }

                    break;
                case "--lab-latency":
                    if (TakeValue() is { } latency)
                    {
                        if (TryParseDuration(latency, out var delay))
                        {
                            settings["Lab:Faults:Delay"] = delay.ToString("c");
                        }
                        else
                        {
                            errors.Add($"--lab-latency '{latency}' is not a duration (e.g. 250ms, 2s, 1m, 00:00:01)");
                        }
                    }

                    break;
                default:
                    if (ValueFlags.TryGetValue(flag, out var key))
                    {
                        if (TakeValue() is { } value)
                        {
                            settings[key] = value;
                        }
                    }
                    else if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains(':', StringComparison.Ordinal))
                    {
                        // Plain configuration overrides (--Jobs:MaxConcurrentSnapshots=4) pass through.
                        if (TakeValue() is { } value)
                        {
                            settings[flag[2..]] = value;
                        }
                    }
                    else
                    {
                        errors.Add($"unknown option '{arg}' (see --help)");
                    }

                    break;
            }
        }

        return (settings, help, errors);
    }

    /// <summary>Parses 250ms, 2s, 1.5s, 3m, 1h or a TimeSpan (00:00:02).</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        text = text.Trim();
        (string Suffix, double Scale)[] units = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)];
        foreach (var (suffix, scale) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal) &&
                double.TryParse(text[..^suffix.Length], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var amount) &&
                amount >= 0 && !(suffix == "m" && text.EndsWith("ms", StringComparison.Ordinal)))
            {
                duration = TimeSpan.FromMilliseconds(amount * scale);
                return true;
            }
        }

        return TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out duration) && duration >= TimeSpan.Zero;
    }
}
