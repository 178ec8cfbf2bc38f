using HvFleet.Agent.Jobs;
using HvFleet.Hypervisors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HvFleet.Agent.Tests.Jobs.Fakes;

/// <summary>
/// Composes the job engine as the agent does (<see cref="JobServiceCollectionExtensions.AddJobEngineParts"/>)
/// over a test's store, hypervisor, options and clock.
/// </summary>
internal static class JobEngines
{
    public static JobManager Create(IJobStore store, IHypervisor hypervisor, JobOptions options, TimeProvider time,
        JobStoreHealth? storeHealth = null, Action<IServiceCollection>? configure = null) =>
        Compose(store, hypervisor, options, time, storeHealth, configure).GetRequiredService<JobManager>();

    /// <summary>The engine's parts, for a test that needs one besides the <see cref="JobManager"/>.</summary>
    public static IServiceProvider Compose(IJobStore store, IHypervisor hypervisor, JobOptions options, TimeProvider time,
        JobStoreHealth? storeHealth = null, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection()
            .AddLogging(logging => logging.ClearProviders())
            .AddSingleton(store)
            .AddSingleton(hypervisor)
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(options))
            .AddSingleton(time);
        if (storeHealth is not null)
        {
            services.AddSingleton(storeHealth);
        }

        configure?.Invoke(services);
        // The manager owns the parts (its Dispose releases them); the provider only composes them.
        return services.AddJobEngineParts().BuildServiceProvider();
    }
}
