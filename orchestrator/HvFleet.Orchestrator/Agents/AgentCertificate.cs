namespace HvFleet.Orchestrator.Agents;

/// <summary>The serving certificate an agent reports (GetHostInfo), shown by ListHosts.</summary>
/// <param name="Subject">The certificate's subject.</param>
/// <param name="NotBefore">Start of validity.</param>
/// <param name="NotAfter">End of validity.</param>
/// <param name="ExpiresSoon">The agent's own verdict: within 30 days of <paramref name="NotAfter"/> or past it.</param>
/// <param name="Thumbprint">SHA-256 thumbprint, hex.</param>
public sealed record AgentCertificate(string Subject, DateTimeOffset NotBefore, DateTimeOffset NotAfter, bool ExpiresSoon, string Thumbprint)
{
    /// <summary>True when the certificate expires within the fleet's warning window
    /// (<see cref="HvFleet.Security.Tls.CertificateExpiry.WarningWindow"/>) of <paramref name="now"/>, or the agent says so.</summary>
    public bool ExpiresWithinWarning(DateTimeOffset now) => ExpiresSoon || NotAfter - now <= HvFleet.Security.Tls.CertificateExpiry.WarningWindow;
}
