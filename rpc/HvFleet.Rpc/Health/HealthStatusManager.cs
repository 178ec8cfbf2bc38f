using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Health.V1;

namespace HvFleet.Rpc.Health;

/// <summary>
/// The serving status of the server ("") and of each service, which the host changes (e.g.
/// NOT_SERVING while starting or draining). Watchers get the current status, then every change.
/// </summary>
public sealed class HealthStatusManager
{
    private readonly ConcurrentDictionary<string, HealthCheckResponse.Types.ServingStatus> _statuses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Channel<HealthCheckResponse.Types.ServingStatus>, string> _watchers = new();

    /// <summary>Sets a service's status ("" is the server as a whole) and notifies watchers.</summary>
    public void SetStatus(string service, HealthCheckResponse.Types.ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        _statuses[service] = status;
        Notify(service, status);
    }

    /// <summary>Forgets a service: Check answers NOT_FOUND, Watch SERVICE_UNKNOWN.</summary>
    public void ClearStatus(string service)
    {
        if (_statuses.TryRemove(service, out _))
        {
            Notify(service, HealthCheckResponse.Types.ServingStatus.ServiceUnknown);
        }
    }

    /// <summary>Sets every known service, and the server, to this status (e.g. NOT_SERVING on shutdown).</summary>
    public void SetAll(HealthCheckResponse.Types.ServingStatus status)
    {
        foreach (var service in _statuses.Keys)
        {
            SetStatus(service, status);
        }
    }

    public bool TryGetStatus(string service, out HealthCheckResponse.Types.ServingStatus status) => _statuses.TryGetValue(service, out status);

    /// <summary>Subscribes to one service; the reader holds the latest status (older ones are dropped).</summary>
    internal ChannelReader<HealthCheckResponse.Types.ServingStatus> Subscribe(string service, out IDisposable subscription)
    {
        var channel = Channel.CreateBounded<HealthCheckResponse.Types.ServingStatus>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        _watchers[channel] = service;
        channel.Writer.TryWrite(TryGetStatus(service, out var current) ? current : HealthCheckResponse.Types.ServingStatus.ServiceUnknown);
        subscription = new Subscription(this, channel);
        return channel.Reader;
    }

    private void Notify(string service, HealthCheckResponse.Types.ServingStatus status)
    {
        foreach (var (channel, watched) in _watchers)
        {
            if (watched == service)
            {
                channel.Writer.TryWrite(status);
            }
        }
    }

    private sealed class Subscription(HealthStatusManager manager, Channel<HealthCheckResponse.Types.ServingStatus> channel) : IDisposable
    {
        public void Dispose()
        {
            manager._watchers.TryRemove(channel, out _);
            channel.Writer.TryComplete();
        }
    }
}
