using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace HvFleet.Security.Unix;

/// <summary>
/// Server side of a local Unix socket: the checks before listening, the owner-only socket file (mode 0600, set
/// between bind and listen, so no one can connect before), stale-socket removal, and the peer's credentials.
/// Linux only: the peer's uid comes from SO_PEERCRED.
/// </summary>
public static class UnixSocketListener
{
    // SOL_SOCKET and SO_PEERCRED from asm-generic/socket.h; struct ucred is { int pid; uint uid; uint gid; }.
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    private const UnixFileMode OwnerOnlySocket = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The effective uid of this process: the owner of the sockets it creates.</summary>
    public static uint EffectiveUid => OperatingSystem.IsLinux()
        ? UnixNativeMethods.GetEffectiveUid()
        : throw new PlatformNotSupportedException("Unix socket credentials need Linux.");

    /// <summary>
    /// What stops serving on <paramref name="path"/>, each problem naming the path: not Linux; a directory others may
    /// write to, or owned by another user (either could replace the socket); an existing file that is not a socket.
    /// Empty when the socket can be created (a missing directory is created, owner-only).
    /// </summary>
    public static IReadOnlyList<string> ListenProblems(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var problems = new List<string>();
        if (!OperatingSystem.IsLinux())
        {
            problems.Add($"unix socket '{path}': listening on a unix socket needs Linux (the caller's uid is read with SO_PEERCRED); use mutual TLS here");
            return problems;
        }

        string directory = Path.GetDirectoryName(path) ?? "/";
        uint self = EffectiveUid;
        if (UnixNativeMethods.Stat(directory) is { } dir)
        {
            if (dir.Type != UnixNativeMethods.TypeDirectory)
            {
                problems.Add($"unix socket '{path}': '{directory}' is not a directory");
            }
            else if ((dir.Permissions & 0x2) != 0)
            {
                problems.Add($"unix socket '{path}': its directory '{directory}' is writable by every user (mode {Convert.ToString(dir.Permissions, 8)}), "
                    + "so another user could replace the socket; use a directory only you (or root) can write, e.g. /run/hvfleet");
            }
            else if (dir.Owner != self && dir.Owner != 0)
            {
                problems.Add($"unix socket '{path}': its directory '{directory}' belongs to uid {dir.Owner}, who could replace the socket; "
                    + $"use a directory owned by uid {self} or root");
            }
        }

        if (UnixNativeMethods.Stat(path) is { } existing)
        {
            if (existing.Type != UnixNativeMethods.TypeSocket)
            {
                problems.Add($"unix socket '{path}': a file that is not a socket is already there; it is not removed: choose another path or remove it");
            }
            else if (IsListening(path))
            {
                problems.Add($"unix socket '{path}': another server is listening on it");
            }
        }

        return problems;
    }

    /// <summary>
    /// Creates the socket bound to <paramref name="endPoint"/> and not yet listening: the directory is created
    /// owner-only if missing, a stale socket left by a dead server is removed (a live one is an error), and the socket
    /// file gets mode 0600 before Kestrel listens on it. Throws <see cref="IOException"/> naming the problem.
    /// </summary>
    public static Socket CreateBoundSocket(UnixDomainSocketEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        string path = endPoint.ToString();
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException($"unix socket '{path}': listening on a unix socket needs Linux.");
        }

        if (ListenProblems(path) is { Count: > 0 } problems)
        {
            throw new IOException(string.Join(Environment.NewLine, problems));
        }

        string directory = Path.GetDirectoryName(path) ?? "/";
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, OwnerOnlyDirectory);
        }

        RemoveStaleSocket(path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(endPoint);
            File.SetUnixFileMode(path, OwnerOnlySocket);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The kernel's credentials of the process at the other end of <paramref name="socket"/>; null when they
    /// cannot be read (not a connected Unix socket).</summary>
    public static UnixPeerCredentials? ReadPeerCredentials(Socket socket, string socketPath)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (!OperatingSystem.IsLinux() || socket.AddressFamily != AddressFamily.Unix)
        {
            return null;
        }

        Span<byte> ucred = stackalloc byte[12];
        try
        {
            if (socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred) < ucred.Length)
            {
                return null;
            }
        }
        catch (SocketException)
        {
            return null;
        }

        return new UnixPeerCredentials(
            MemoryMarshal.Read<int>(ucred), MemoryMarshal.Read<uint>(ucred[4..]), MemoryMarshal.Read<uint>(ucred[8..]), socketPath);
    }

    private static void RemoveStaleSocket(string path)
    {
        if (UnixNativeMethods.Stat(path) is null)
        {
            return;
        }

        if (IsListening(path))
        {
            throw new IOException($"unix socket '{path}': another server is listening on it");
        }

        // Nobody listens: the socket of a server that died. ListenProblems checked that it is a socket.
        File.Delete(path);
    }

    private static bool IsListening(string path)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return false;
        }
    }
}
