using System.Collections.Concurrent;
using Grpc.Health.V1;
using Grpc.HealthCheck;

namespace HvFleet.Security.Hosting;

/// <summary>
/// The program's own serving statuses, fed into Grpc.HealthCheck's <see cref="HealthServiceImpl"/> (which answers
/// grpc.health.v1 Check and Watch). Kept here too so that the program can set every service at once (draining, a
/// broken store) and read a status back.
/// </summary>
public sealed class FleetHealth(HealthServiceImpl service)
{
    private readonly ConcurrentDictionary<string, HealthCheckResponse.Types.ServingStatus> _statuses = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>The grpc.health.v1 service these statuses feed (map it with <c>MapGrpcService&lt;HealthServiceImpl&gt;</c>).</summary>
    public HealthServiceImpl Service { get; } = service ?? throw new ArgumentNullException(nameof(service));

    /// <summary>Sets one service's status ("" is the server as a whole).</summary>
    public void SetStatus(string service, HealthCheckResponse.Types.ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_gate)
        {
            _statuses[service] = status;
            Service.SetStatus(service, status);
        }
    }

    /// <summary>Sets every service that has a status.</summary>
    public void SetAll(HealthCheckResponse.Types.ServingStatus status)
    {
        lock (_gate)
        {
            foreach (var name in _statuses.Keys)
            {
                _statuses[name] = status;
                Service.SetStatus(name, status);
            }
        }
    }

    /// <summary>The status last set for <paramref name="service"/>, if any.</summary>
    public bool TryGetStatus(string service, out HealthCheckResponse.Types.ServingStatus status) => _statuses.TryGetValue(service, out status);
}
