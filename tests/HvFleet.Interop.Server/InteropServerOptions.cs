namespace HvFleet.Interop;

/// <summary>How to run the interop server.</summary>
public sealed class InteropServerOptions
{
    /// <summary>The 127.0.0.1 port to listen on; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Listen with TLS (ALPN h2) and a fresh self-signed certificate instead of h2c.</summary>
    public bool UseTls { get; init; }

    /// <summary>With <see cref="UseTls"/>: write the certificate (PEM) here, for clients to trust.</summary>
    public string? TlsCertificateOutput { get; init; }

    /// <summary>Serve <see cref="InteropServer.AllocatedBytesPath"/> for the benchmark script.</summary>
    public bool BenchStats { get; init; }

    /// <summary>Log level (Warning by default: per-request logs would distort benchmarks).</summary>
    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Warning;

    /// <summary>
    /// Parses <c>--port N</c> (or <c>--port=N</c>), <c>--tls</c>, <c>--tls-cert-out FILE</c> and
    /// <c>--bench-stats</c>; null and an error for anything else.
    /// </summary>
    public static InteropServerOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var port = 0;
        var benchStats = false;
        var useTls = false;
        string? certificateOutput = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? portText = null;
            if (arg == "--port")
            {
                if (i + 1 >= args.Count)
                {
                    error = "--port needs a value.";
                    return null;
                }

                portText = args[++i];
            }
            else if (arg.StartsWith("--port=", StringComparison.Ordinal))
            {
                portText = arg["--port=".Length..];
            }
            else if (arg == "--bench-stats")
            {
                benchStats = true;
                continue;
            }
            else if (arg == "--tls")
            {
                useTls = true;
                continue;
            }
            else if (arg == "--tls-cert-out" || arg.StartsWith("--tls-cert-out=", StringComparison.Ordinal))
            {
                certificateOutput = arg == "--tls-cert-out" ? (i + 1 < args.Count ? args[++i] : string.Empty) : arg["--tls-cert-out=".Length..];
                if (certificateOutput.Length == 0)
                {
                    error = "--tls-cert-out needs a file name.";
                    return null;
                }

                continue;
            }
            else
            {
                error = $"Unknown argument '{arg}'.";
                return null;
            }

            if (!int.TryParse(portText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port) || port > 65535)
            {
                error = $"--port must be a number from 0 to 65535, got '{portText}'.";
                return null;
            }
        }

        if (certificateOutput is not null && !useTls)
        {
            error = "--tls-cert-out needs --tls.";
            return null;
        }

        error = null;
        return new InteropServerOptions { Port = port, BenchStats = benchStats, UseTls = useTls, TlsCertificateOutput = certificateOutput };
    }
}
