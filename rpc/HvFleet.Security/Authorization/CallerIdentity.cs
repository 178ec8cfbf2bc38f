using System.Security.Cryptography.X509Certificates;
using HvFleet.Rpc.Server;

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
    /// <summary>
    /// The identity assumed for calls on a plaintext loopback endpoint (<c>--insecure</c>): there is
    /// no certificate, and only local processes can connect, so the caller is a local administrator.
    /// </summary>
    public static readonly CallerIdentity InsecureLoopback = new("insecure-loopback", FleetRole.Admin, null);

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

    /// <summary>The caller of this call, when authorization has run.</summary>
    public static CallerIdentity? Get(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.UserState.TryGetValue(typeof(CallerIdentity), out var value) ? value as CallerIdentity : null;
    }

    internal void Set(ServerCallContext context) => context.UserState[typeof(CallerIdentity)] = this;
}
