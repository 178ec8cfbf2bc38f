using System.Net;
using System.Net.Sockets;

namespace HvFleet.Agent.Hosting;

/// <summary>A parsed host:port listen address.</summary>
public sealed record ListenAddress(IPAddress Address, int Port)
{
    public bool IsLoopback => IPAddress.IsLoopback(Address);

    public IPEndPoint EndPoint => new(Address, Port);

    /// <summary>Parses "host:port", "[v6]:port" or "localhost:port"; error names what is wrong.</summary>
    public static bool TryParse(string? value, out ListenAddress? address, out string? error)
    {
        address = null;
        error = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            error = "listen address is empty; expected HOST:PORT, e.g. 127.0.0.1:50051";
            return false;
        }

        var colon = value.LastIndexOf(':');
        if (colon <= 0 || colon == value.Length - 1)
        {
            error = $"listen address '{value}' must be HOST:PORT, e.g. 127.0.0.1:50051";
            return false;
        }

        var host = value[..colon].Trim('[', ']');
        if (!int.TryParse(value[(colon + 1)..], out var port) || port is < 0 or > 65535)
        {
            error = $"listen address '{value}' has an invalid port (0-65535)";
            return false;
        }

        IPAddress? ip;
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            ip = IPAddress.Loopback;
        }
        else if (host is "*" or "0.0.0.0")
        {
            ip = IPAddress.Any;
        }
        else if (!IPAddress.TryParse(host, out ip))
        {
            error = $"listen address '{value}' must use an IP address (or localhost), not '{host}'";
            return false;
        }

        if (ip.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            error = $"listen address '{value}' is not IPv4 or IPv6";
            return false;
        }

        address = new ListenAddress(ip, port);
        return true;
    }

    public override string ToString() => Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{Address}]:{Port}" : $"{Address}:{Port}";
}
