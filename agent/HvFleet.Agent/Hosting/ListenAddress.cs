using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using HvFleet.Security.Unix;

namespace HvFleet.Agent.Hosting;

/// <summary>A parsed listen address: HOST:PORT, or a Unix socket (<c>unix:/PATH</c>, <see cref="UnixSocketPath"/> set).</summary>
internal sealed record ListenAddress(string Host, int Port)
{
    /// <summary>The socket path of a <c>unix:/PATH</c> address; null for TCP.</summary>
    public string? UnixSocketPath { get; init; }

    [MemberNotNullWhen(true, nameof(UnixSocketPath))]
    public bool IsUnixSocket => UnixSocketPath is not null;

    /// <summary>
    /// True for "localhost" and loopback IP literals (127.0.0.0/8, ::1): the only addresses where
    /// plaintext is allowed, because no other machine can reach them.
    /// </summary>
    public bool IsLoopback => !IsUnixSocket && (
        string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(Host, out var address) && IPAddress.IsLoopback(address)));

    /// <summary>Parses "HOST:PORT", "[IPv6]:PORT" or "unix:/PATH"; port 0 asks for any free port.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ListenAddress? address, [NotNullWhen(false)] out string? error)
    {
        address = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "is empty; expected HOST:PORT, e.g. 127.0.0.1:50051, or unix:/PATH";
            return false;
        }

        if (UnixSocketAddress.IsUnix(text))
        {
            if (!UnixSocketAddress.TryParse(text, out var path, out error))
            {
                return false;
            }

            address = new ListenAddress("", 0) { UnixSocketPath = path };
            return true;
        }

        string host;
        string port;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
            {
                error = $"'{text}' is not [IPv6]:PORT";
                return false;
            }

            host = text[1..close];
            port = text[(close + 2)..];
            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                error = $"'{host}' is not an IPv6 address";
                return false;
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon <= 0 || text.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                error = $"'{text}' is not HOST:PORT (write IPv6 addresses as [ADDRESS]:PORT)";
                return false;
            }

            host = text[..colon];
            port = text[(colon + 1)..];
            if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
            {
                error = $"'{host}' is not a host name or IP address";
                return false;
            }
        }

        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > 65535)
        {
            error = $"'{port}' is not a port number (0-65535)";
            return false;
        }

        address = new ListenAddress(host, number);
        error = null;
        return true;
    }

    public override string ToString() => IsUnixSocket ? UnixSocketAddress.Format(UnixSocketPath) : Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
