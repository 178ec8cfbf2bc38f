using HvFleet.Orchestrator.Inventory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>The fan-out's parts, one job each, as singletons.</summary>
internal static class FanoutServiceCollectionExtensions
{
    /// <summary>The <see cref="FleetEngine"/> and its parts. Needs <see cref="IOptions{OrchestratorOptions}"/>, a
    /// <see cref="TimeProvider"/>, an inventory, an agent connector, a store and <see cref="Hosting.OrchestratorFatalErrors"/>.</summary>
    public static IServiceCollection AddFleetEngine(this IServiceCollection services)
    {
        services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<OrchestratorOptions>>().Value);
        services.TryAddSingleton<HostClients>();
        services.TryAddSingleton<HostProber>();
        services.TryAddSingleton<OperationPlanner>();
        services.TryAddSingleton<TaskRecorder>();
        services.TryAddSingleton<JobAdopter>();
        services.TryAddSingleton<TaskAttempt>();
        services.TryAddSingleton<TaskRetryPolicy>();
        services.TryAddSingleton<AgentJobCanceller>();
        services.TryAddSingleton<TaskRunner>();
        services.TryAddSingleton<WaveRunner>();
        services.TryAddSingleton<CheckpointCleanup>();
        services.TryAddSingleton<OperationRunner>();
        services.TryAddSingleton<CancelRequestPoller>();
        services.TryAddSingleton<LeaseKeeper>();
        services.TryAddSingleton<OperationRuns>();
        services.TryAddSingleton<OperationWatcher>();
        services.TryAddSingleton<OperationResumer>();
        services.TryAddSingleton<OperationLauncher>();
        services.TryAddSingleton(provider => new FleetEngine(
            provider.GetRequiredService<OperationLauncher>(),
            provider.GetRequiredService<OperationRuns>(),
            provider.GetRequiredService<OperationWatcher>(),
            provider.GetRequiredService<OperationResumer>(),
            provider.GetRequiredService<HostProber>(),
            provider.GetRequiredService<Store.IOperationStore>()));
        return services;
    }
}
