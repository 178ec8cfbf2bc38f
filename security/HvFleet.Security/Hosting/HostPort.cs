using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace HvFleet.Security.Hosting;

/// <summary>
/// HOST:PORT as users write it (<c>hv01:7443</c>, <c>10.0.0.1:7443</c>, <c>[::1]:7443</c>, <c>localhost:0</c>, <c>*:7600</c>):
/// the one parser of the agent's and the orchestrator's addresses, with the rules of each place
/// (<see cref="HostPortOptions"/>), the listen endpoint it names, and the channel URI that reaches it.
/// </summary>
public readonly record struct HostPort
{
    /// <summary>Wildcard host: every local address.</summary>
    public const string Wildcard = "*";

    private HostPort(string host, int port)
    {
        Host = host;
        Port = port;
    }

    /// <summary>Host name, IPv4 or IPv6 address (without brackets), or <see cref="Wildcard"/>.</summary>
    public string Host { get; }

    public int Port { get; }

    /// <summary>True for <c>localhost</c> and loopback IP literals (127.0.0.0/8, ::1).</summary>
    public bool IsLoopback => string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(Host, out var address) && IPAddress.IsLoopback(address));

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what is wrong, as a phrase that
    /// follows the address (<c>'hv01:0' has an invalid port '0' (1-65535)</c>).</summary>
    public static bool TryParse(string? text, HostPortOptions options, out HostPort hostPort, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(options);
        hostPort = default;
        text ??= "";
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            error = "must be host:port";
            return false;
        }

        string hostPart = text[..colon];
        string portPart = text[(colon + 1)..];
        int lowest = options.AllowPortZero ? 0 : 1;
        if (!int.TryParse(portPart, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port < lowest || port > 65535)
        {
            error = $"has an invalid port '{portPart}' ({lowest}-65535)";
            return false;
        }

        string host;
        if (hostPart.StartsWith('[') && hostPart.EndsWith(']'))
        {
            host = hostPart[1..^1];
            if (!IPAddress.TryParse(host, out _))
            {
                error = "has an invalid IPv6 address";
                return false;
            }
        }
        else if (hostPart.Contains(':', StringComparison.Ordinal))
        {
            error = "must put an IPv6 address in brackets ([::1]:port)";
            return false;
        }
        else if ((options.AllowWildcard && hostPart == Wildcard) || Uri.CheckHostName(hostPart) is UriHostNameType.Dns or UriHostNameType.IPv4)
        {
            host = hostPart;
        }
        else
        {
            error = $"has an invalid host '{hostPart}'";
            return false;
        }

        hostPort = new HostPort(host, port);
        error = null;
        return true;
    }

    /// <summary>The endpoint to listen on: an IP address, <c>localhost</c> (the IPv4 loopback) or <see cref="Wildcard"/>
    /// (every IPv4 address); false for a host name, which names no local address.</summary>
    public bool TryGetEndPoint([NotNullWhen(true)] out IPEndPoint? endPoint)
    {
        IPAddress? ip = Host switch
        {
            "localhost" => IPAddress.Loopback,
            Wildcard => IPAddress.Any,
            _ => IPAddress.TryParse(Host, out var parsed) ? parsed : null,
        };
        endPoint = ip is null ? null : new IPEndPoint(ip, Port);
        return endPoint is not null;
    }

    /// <summary><c>https://HOST:PORT</c> when <paramref name="useTls"/>, else <c>http://HOST:PORT</c> (h2c).</summary>
    public Uri ToUri(bool useTls) => new($"{(useTls ? Uri.UriSchemeHttps : Uri.UriSchemeHttp)}://{this}", UriKind.Absolute);

    public override string ToString() => Host.Contains(':', StringComparison.Ordinal)
        ? string.Create(CultureInfo.InvariantCulture, $"[{Host}]:{Port}")
        : string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");
}
