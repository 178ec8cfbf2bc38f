using System.Security.Cryptography.X509Certificates;

namespace HvFleet.Security.Authorization;

/// <summary>
/// What a certificate is for, beside its role: an orchestrator's certificate carries the SAN URI
/// <c>hvfleet:usage:orchestrator</c> (<c>hvfleet pki issue --orchestrator</c>). Agents give such callers the
/// orchestrator's limits (<see cref="Limits.CallLimitOptions"/>), which fit fleet-wide work, instead of a
/// person's or a script's. The usage grants no permission: what a call may do still comes from the role.
/// </summary>
public static class FleetUsages
{
    /// <summary>The SAN URI that marks an orchestrator's certificate.</summary>
    public const string OrchestratorUri = "hvfleet:usage:orchestrator";

    /// <summary>True when the certificate's SAN URIs include <see cref="OrchestratorUri"/>.</summary>
    public static bool IsOrchestrator(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return FleetRoles.GetSubjectAltNameUris(certificate).Any(uri => string.Equals(uri, OrchestratorUri, StringComparison.OrdinalIgnoreCase));
    }
}
