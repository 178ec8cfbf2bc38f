using HvFleet.Agent.Jobs.Engine;
using HvFleet.Agent.Jobs.Requests;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HvFleet.Agent.Jobs;

/// <summary>Registration of the job engine and its stores.</summary>
internal static class JobServiceCollectionExtensions
{
    /// <summary>
    /// The job engine (<see cref="JobManager"/>), its options from the "Jobs" section, the request
    /// handlers of the RPC edge, recovery at startup and drain at shutdown. Needs an <c>IHypervisor</c>,
    /// an <see cref="IJobStore"/> and the agent's options (export roots).
    /// </summary>
    public static IServiceCollection AddJobEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobOptions>()
            .Bind(configuration.GetSection(JobOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JobOptions>, JobOptionsValidator>());
        // The host must give the drain its whole grace period, plus time for backends to clean up.
        services.AddOptions<HostOptions>().Configure<IOptions<JobOptions>>((host, jobs) =>
        {
            var needed = jobs.Value.DrainGracePeriod + TimeSpan.FromSeconds(10);
            if (host.ShutdownTimeout < needed)
            {
                host.ShutdownTimeout = needed;
            }
        });
        services.AddJobEngineParts();
        services.TryAddSingleton<CreateSnapshotHandler>();
        services.TryAddSingleton<ExportSnapshotHandler>();
        services.TryAddSingleton<DeleteSnapshotHandler>();
        services.TryAddSingleton<CancelJobHandler>();
        services.AddHostedService<JobEngineService>();
        services.AddHostedService<JobStoreProbeService>();
        return services;
    }

    /// <summary>
    /// The engine's parts and its façade (<see cref="JobManager"/>), without options binding or
    /// hosted services: what <see cref="AddJobEngine"/> builds on, and what tests and benchmarks
    /// compose over their own store, hypervisor and <c>IOptions&lt;JobOptions&gt;</c>.
    /// </summary>
    public static IServiceCollection AddJobEngineParts(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<JobStoreHealth>();
        services.TryAddSingleton<SnapshotOriginLookup>();
        services.TryAddSingleton<PartialExportRemover>();
        services.TryAddSingleton<HostInventoryCache>();
        services.TryAddSingleton<JobJournal>();
        services.TryAddSingleton<JobExecutor>();
        services.TryAddSingleton<JobDispatcher>();
        services.TryAddSingleton<JobAdmission>();
        services.TryAddSingleton<JobWatchHub>();
        services.TryAddSingleton<JobRecovery>();
        services.TryAddSingleton<JobDrain>();
        services.TryAddSingleton<JobManager>();
        return services;
    }

    /// <summary>The SQLite job store, with its options from the "JobStore" section.</summary>
    public static IServiceCollection AddSqliteJobStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SqliteJobStoreOptions>()
            .Bind(configuration.GetSection(SqliteJobStoreOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteJobStoreOptions>, SqliteJobStoreOptionsValidator>());
        services.TryAddSingleton<JobStoreHealth>();
        services.TryAddSingleton<IJobStore, SqliteJobStore>();
        return services;
    }
}
