using System.Reflection;
using Google.Protobuf.WellKnownTypes;
using HvFleet.Protos.Agent.V1;
using HvFleet.Security.Tls;

namespace HvFleet.Agent.Hosting;

/// <summary>Facts about this agent process reported by GetHostInfo.</summary>
internal sealed class AgentRuntimeInfo(TimeProvider time, FleetServerTls? tls = null)
{
    /// <summary>The agent's version (informational version without build metadata).</summary>
    public static readonly string Version =
        typeof(AgentRuntimeInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    /// <summary>The serving certificate as of now (it may have been reloaded), when TLS is on.</summary>
    public CertificateInfo? Certificate => tls is null ? null : ToProto(tls.ServerCertificate.Expiry);

    private static CertificateInfo ToProto(CertificateExpiry expiry) => new()
    {
        Subject = expiry.Subject,
        NotBefore = Timestamp.FromDateTimeOffset(expiry.NotBefore),
        NotAfter = Timestamp.FromDateTimeOffset(expiry.NotAfter),
        ExpiresSoon = expiry.ExpiresSoon,
        Thumbprint = expiry.Thumbprint,
    };
}
