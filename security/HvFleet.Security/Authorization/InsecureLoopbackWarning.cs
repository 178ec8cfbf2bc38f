using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HvFleet.Security.Authorization;

/// <summary>Says loudly, at start, that plaintext TCP on loopback is on: any local user or process can call the server
/// without a certificate, with the opted-in role.</summary>
internal sealed partial class InsecureLoopbackWarning(IOptions<FleetAuthorizationOptions> options, ILogger<InsecureLoopbackWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.InsecureLoopback)
        {
            LogPlaintextLoopbackTcp(logger, FleetRoles.ToName(options.Value.InsecureLoopbackRole));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 6004, EventName = "PlaintextLoopbackTcp", Level = LogLevel.Warning,
        Message = "PLAINTEXT TCP ON LOOPBACK (--insecure-loopback-tcp): every local user and process can call this server without a certificate, "
            + "with role '{Role}', and nothing identifies them. For local access use a unix socket (--listen unix:/PATH: owner and root only, "
            + "audited with their uid); otherwise use mutual TLS.")]
    private static partial void LogPlaintextLoopbackTcp(ILogger logger, string role);
}
