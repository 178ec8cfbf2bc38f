namespace HvFleet.Security.Authorization;

/// <summary>How callers are identified.</summary>
public sealed class FleetAuthorizationOptions
{
    public const string SectionName = "Security:Authorization";

    /// <summary>
    /// The server listens in plaintext on loopback (<c>--insecure</c>): callers without a
    /// certificate are <see cref="CallerIdentity.InsecureLoopback"/>, an admin. Off by default;
    /// without it a call without a client certificate gets UNAUTHENTICATED.
    /// </summary>
    public bool InsecureLoopback { get; set; }
}
