using System.Reflection;
using HvFleet.Protos.Agent.V1;

namespace HvFleet.Agent.Hosting;

/// <summary>Facts about this agent process reported by GetHostInfo.</summary>
internal sealed class AgentRuntimeInfo(TimeProvider time)
{
    /// <summary>The agent's version (informational version without build metadata).</summary>
    public static readonly string Version =
        typeof(AgentRuntimeInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    /// <summary>The serving certificate, when TLS is on.</summary>
    public CertificateInfo? Certificate { get; set; }
}
