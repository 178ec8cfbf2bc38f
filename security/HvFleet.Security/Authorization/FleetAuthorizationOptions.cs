namespace HvFleet.Security.Authorization;

/// <summary>How callers without a client certificate are identified.</summary>
public sealed class FleetAuthorizationOptions
{
    public const string SectionName = "Security:Authorization";

    /// <summary>
    /// The server listens in plaintext TCP on loopback (<c>--insecure-loopback-tcp</c>, an explicit opt-in): callers
    /// without a certificate are <see cref="CallerIdentity.LoopbackTcp"/> with <see cref="InsecureLoopbackRole"/>. Off by
    /// default; without it such a call gets UNAUTHENTICATED (unless it came over a Unix socket).
    /// </summary>
    public bool InsecureLoopback { get; set; }

    /// <summary>The role of plaintext loopback TCP callers (default viewer: every local user can connect there).</summary>
    public FleetRole InsecureLoopbackRole { get; set; } = FleetRole.Viewer;

    /// <summary>
    /// The uid accepted on a Unix socket besides root: the socket's owner. Default (null): this process's effective
    /// uid. Accepted local callers are admins; any other uid gets PERMISSION_DENIED, audited with its uid.
    /// </summary>
    public uint? LocalOwnerUid { get; set; }
}
