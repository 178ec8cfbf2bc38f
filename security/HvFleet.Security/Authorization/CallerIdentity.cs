using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using HvFleet.Security.Unix;

namespace HvFleet.Security.Authorization;

/// <summary>
/// Who made a call, as established by <see cref="RoleAuthorizationInterceptor"/> and kept in
/// <see cref="ServerCallContext.UserState"/> for handlers and the audit log.
/// </summary>
/// <param name="Name">The certificate subject's common name (or the whole subject without one).</param>
/// <param name="Role">The role from the certificate; null when it carries none.</param>
/// <param name="Thumbprint">SHA-256 thumbprint of the client certificate (hex); null without a certificate.</param>
public sealed record CallerIdentity(string Name, FleetRole? Role, string? Thumbprint)
{
    /// <summary>The kernel-reported user id of a local caller on a Unix socket; null for other callers.</summary>
    public uint? Uid { get; init; }

    /// <summary>The process id of a local caller on a Unix socket (at connect time); null for other callers.</summary>
    public int? Pid { get; init; }

    /// <summary>The certificate marks an orchestrator (<see cref="FleetUsages"/>): the orchestrator's limits apply.</summary>
    public bool IsOrchestrator { get; init; }

    /// <summary>A key that identifies the caller for per-identity limits.</summary>
    public string Key => Thumbprint ?? Name;

    /// <summary>The identity a validated client certificate carries.</summary>
    public static CallerIdentity FromCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var name = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        return new CallerIdentity(
            string.IsNullOrEmpty(name) ? certificate.Subject : name,
            FleetRoles.FromCertificate(certificate),
            Convert.ToHexString(certificate.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256)))
        {
            IsOrchestrator = FleetUsages.IsOrchestrator(certificate),
        };
    }

    /// <summary>
    /// A caller on plaintext TCP on loopback (<c>--insecure-loopback-tcp</c>): there is no certificate and any local
    /// user can connect, so the role is what the operator opted in to (viewer unless told otherwise).
    /// </summary>
    public static CallerIdentity LoopbackTcp(FleetRole role) => new("insecure-loopback-tcp", role, null);

    /// <summary>A caller on a Unix socket, named by its uid (<c>local-uid-1000</c>); <paramref name="role"/> is null
    /// for a uid the socket does not accept.</summary>
    public static CallerIdentity LocalUser(UnixPeerCredentials peer, FleetRole? role)
    {
        ArgumentNullException.ThrowIfNull(peer);
        return new CallerIdentity(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"local-uid-{peer.Uid}"), role, null)
        {
            Uid = peer.Uid,
            Pid = peer.Pid,
        };
    }

    /// <summary>The caller of this call, when authorization has run.</summary>
    public static CallerIdentity? Get(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.UserState.TryGetValue(typeof(CallerIdentity), out var value) ? value as CallerIdentity : null;
    }

    internal void Set(ServerCallContext context) => context.UserState[typeof(CallerIdentity)] = this;
}
