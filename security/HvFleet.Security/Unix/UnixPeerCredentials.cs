namespace HvFleet.Security.Unix;

/// <summary>Who is at the other end of a Unix socket connection, as the kernel reports it (SO_PEERCRED): the
/// credentials of the connecting process at connect time, which it cannot forge.</summary>
/// <param name="Pid">The peer's process id.</param>
/// <param name="Uid">The peer's effective user id.</param>
/// <param name="Gid">The peer's effective group id.</param>
/// <param name="SocketPath">The server socket the peer connected to.</param>
public sealed record UnixPeerCredentials(int Pid, uint Uid, uint Gid, string SocketPath);
