using System.Net.Sockets;
using System.Text;

namespace HvFleet.Agent.Service;

/// <summary>
/// sd_notify(3) without libsystemd: sends state lines such as <c>READY=1</c> or <c>STOPPING=1</c>
/// as one datagram to the Unix socket named by <c>$NOTIFY_SOCKET</c>, which systemd sets for a
/// <c>Type=notify</c> unit. A leading '@' names a socket in the abstract namespace. Without the
/// variable (not under systemd) every call does nothing. Depends on nothing else in the agent,
/// so <c>hvfleet serve</c> can use the same file.
/// </summary>
internal sealed class SystemdNotifier
{
    /// <summary>The environment variable systemd sets for notify units.</summary>
    public const string SocketVariable = "NOTIFY_SOCKET";

    private readonly string? _socketPath;

    /// <summary>Creates a notifier for a socket path (null or empty: disabled).</summary>
    public SystemdNotifier(string? socketPath)
    {
        _socketPath = string.IsNullOrEmpty(socketPath) ? null : socketPath;
    }

    /// <summary>Whether a notification socket is known (the process runs under systemd's notify protocol).</summary>
    public bool IsEnabled => _socketPath is not null;

    /// <summary>A notifier for <c>$NOTIFY_SOCKET</c> of this process.</summary>
    public static SystemdNotifier FromEnvironment() => new(Environment.GetEnvironmentVariable(SocketVariable));

    /// <summary>
    /// Sends <paramref name="state"/> (newline-separated KEY=VALUE lines). Returns false when
    /// disabled or when the socket cannot be reached; a failed notification never stops the program.
    /// </summary>
    public bool Notify(string state)
    {
        ArgumentException.ThrowIfNullOrEmpty(state);
        if (_socketPath is null)
        {
            return false;
        }

        // Only Unix socket addresses are supported ("vsock:" addresses of newer systemd are not).
        if (!(_socketPath.StartsWith('/') || _socketPath.StartsWith('@')))
        {
            return false;
        }

        var path = _socketPath.StartsWith('@') ? "\0" + _socketPath[1..] : _socketPath;
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            var payload = Encoding.UTF8.GetBytes(state);
            return socket.SendTo(payload, SocketFlags.None, new UnixDomainSocketEndPoint(path)) == payload.Length;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
