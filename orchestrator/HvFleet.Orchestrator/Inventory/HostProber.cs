using System.Collections.Concurrent;
using HvFleet.Orchestrator.Agents;
using HvFleet.Orchestrator.Fanout;
using HvFleet.Orchestrator.Operations;
using Microsoft.Extensions.Logging;

namespace HvFleet.Orchestrator.Inventory;

/// <summary>Health check + GetHostInfo per host, probed concurrently and cached for <see cref="OrchestratorOptions.HostStatusTtl"/>.
/// An agent certificate that expires within 30 days is logged as a warning (once per certificate).</summary>
internal sealed partial class HostProber(IFleetInventory inventory, IAgentConnector connector, TimeProvider timeProvider, OrchestratorOptions options, ILogger<HostProber> logger)
{
    private readonly ConcurrentDictionary<string, HostStatus> _cache = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, bool> _expiryWarned = new(StringComparer.OrdinalIgnoreCase);

    public async Task<IReadOnlyList<HostStatus>> ListAsync(HostSelector selector, bool refresh, CancellationToken cancellationToken)
    {
        var (hosts, _) = HostSelection.Select(inventory.Hosts, selector.IsEmpty ? HostSelector.Everything : selector);
        var results = new HostStatus[hosts.Count];
        var now = timeProvider.GetUtcNow();
        await Parallel.ForEachAsync(Enumerable.Range(0, hosts.Count),
            new ParallelOptions { MaxDegreeOfParallelism = options.PlanningParallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var host = hosts[i];
                if (!refresh && _cache.TryGetValue(host.Name, out var cached) && cached.Host == host
                    && cached.CheckedAt is { } at && now - at < options.HostStatusTtl)
                {
                    results[i] = cached;
                    return;
                }

                results[i] = _cache[host.Name] = await ProbeAsync(host, ct);
            });
        return results;
    }

    private async Task<HostStatus> ProbeAsync(FleetHost host, CancellationToken cancellationToken)
    {
        var client = connector.GetClient(host);
        using var timeout = new CancellationTokenSource(options.ProbeTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var health = await client.CheckHealthAsync(linked.Token);
            var info = await client.GetHostInfoAsync(linked.Token);
            var now = timeProvider.GetUtcNow();
            if (info.Certificate is { } certificate && certificate.ExpiresWithinWarning(now) && _expiryWarned.TryAdd(certificate.Thumbprint, true))
            {
                LogCertificateExpiring(logger, host.Name, certificate.Subject, certificate.NotAfter);
            }

            return new HostStatus(host, health == AgentHealth.Serving ? HostReachability.Reachable : HostReachability.NotServing,
                info.Backend, info.AgentVersion, now, "")
            {
                Certificate = info.Certificate,
            };
        }
        catch (AgentCallException ex)
        {
            return new HostStatus(host, HostReachability.Unreachable, "", "", timeProvider.GetUtcNow(), ex.Message);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new HostStatus(host, HostReachability.Unreachable, "", "", timeProvider.GetUtcNow(),
                $"no answer within {options.ProbeTimeout.TotalSeconds:0.#} s");
        }
    }

    [LoggerMessage(EventId = 320, EventName = "AgentCertificateExpiring", Level = LogLevel.Warning,
        Message = "The certificate of agent {Host} ({Subject}) expires on {NotAfter:u}: issue a new one with hvfleet pki issue.")]
    private static partial void LogCertificateExpiring(ILogger logger, string host, string subject, DateTimeOffset notAfter);
}
