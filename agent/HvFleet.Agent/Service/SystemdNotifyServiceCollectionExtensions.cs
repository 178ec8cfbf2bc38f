using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HvFleet.Agent.Service;

/// <summary>Registration of the systemd readiness notification, for the agent and for <c>hvfleet serve</c>.</summary>
public static class SystemdNotifyServiceCollectionExtensions
{
    /// <summary>
    /// Sends READY=1 to systemd once every hosted service registered before this call has started,
    /// and STOPPING=1 when the host begins to stop. Inert without <c>$NOTIFY_SOCKET</c>. Call it
    /// after the application's own hosted services.
    /// </summary>
    public static IServiceCollection AddSystemdNotify(this IServiceCollection services)
    {
        services.TryAddSingleton(SystemdNotifier.FromEnvironment());
        services.AddHostedService<SystemdNotifyService>();
        return services;
    }
}
