using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace HvFleet.Security.Unix;

/// <summary>
/// A Unix domain socket address as users write it: <c>unix:/ABSOLUTE/PATH</c> (gRPC's naming also allows
/// <c>unix:///ABSOLUTE/PATH</c>). The one parser for listen addresses (agent, <c>hvfleet serve</c>) and for client
/// addresses (<c>--orchestrator</c>, inventory agent addresses); channels carry it as a <c>unix:///PATH</c> URI.
/// </summary>
public static class UnixSocketAddress
{
    /// <summary>The address prefix.</summary>
    public const string Prefix = "unix:";

    /// <summary>The URI scheme a channel to a Unix socket uses.</summary>
    public const string UriScheme = "unix";

    /// <summary>sockaddr_un.sun_path holds 108 bytes on Linux, the terminating NUL included.</summary>
    public const int MaxPathBytes = 107;

    /// <summary>True when <paramref name="address"/> is meant as a Unix socket (starts with <c>unix:</c>), valid or not.</summary>
    public static bool IsUnix([NotNullWhen(true)] string? address) =>
        address is not null && address.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses <c>unix:/PATH</c> or <c>unix:///PATH</c>; the error names what is wrong.</summary>
    public static bool TryParse(string? address, [NotNullWhen(true)] out string? path, [NotNullWhen(false)] out string? error)
    {
        path = null;
        if (!IsUnix(address))
        {
            error = $"'{address}' is not a unix socket address (unix:/ABSOLUTE/PATH)";
            return false;
        }

        string rest = address[Prefix.Length..];
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            rest = rest[2..];
        }

        if (!rest.StartsWith('/'))
        {
            error = $"'{address}' must name an absolute socket path: unix:/ABSOLUTE/PATH, e.g. unix:/run/hvfleet/agent.sock";
            return false;
        }

        if (rest.Any(char.IsControl))
        {
            error = $"'{address}' contains control characters";
            return false;
        }

        if (rest.EndsWith('/'))
        {
            error = $"'{address}' names a directory; give the socket file's path";
            return false;
        }

        if (Encoding.UTF8.GetByteCount(rest) > MaxPathBytes)
        {
            error = $"'{address}' is too long: a unix socket path holds at most {MaxPathBytes} bytes";
            return false;
        }

        path = rest;
        error = null;
        return true;
    }

    /// <summary>The channel URI of a socket path: <c>unix:///PATH</c> (each segment escaped).</summary>
    public static Uri ToUri(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new Uri(UriScheme + "://" + string.Join('/', path.Split('/').Select(Uri.EscapeDataString)), UriKind.Absolute);
    }

    /// <summary>The socket path of a <c>unix:</c> URI.</summary>
    public static string PathOf(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return Uri.UnescapeDataString(uri.AbsolutePath);
    }

    /// <summary>How the address is written for users: <c>unix:/PATH</c>.</summary>
    public static string Format(string path) => Prefix + path;
}
