namespace HvFleet.Orchestrator.Agents;

/// <summary>The serving certificate an agent reports (GetHostInfo), shown by ListHosts.</summary>
/// <param name="Subject">The certificate's subject.</param>
/// <param name="NotBefore">Start of validity.</param>
/// <param name="NotAfter">End of validity.</param>
/// <param name="ExpiresSoon">The agent's own verdict: within 30 days of <paramref name="NotAfter"/> or past it.</param>
/// <param name="Thumbprint">SHA-256 thumbprint, hex.</param>
public sealed record AgentCertificate(string Subject, DateTimeOffset NotBefore, DateTimeOffset NotAfter, bool ExpiresSoon, string Thumbprint)
{
    /// <summary>How far ahead an expiry is flagged (30 days), also when the agent's clock says otherwise.</summary>
    public static readonly TimeSpan WarningWindow = TimeSpan.FromDays(30);

    /// <summary>True when the certificate expires within <see cref="WarningWindow"/> of <paramref name="now"/> (or the agent says so).</summary>
    public bool ExpiresWithinWarning(DateTimeOffset now) => ExpiresSoon || NotAfter - now <= WarningWindow;
}
