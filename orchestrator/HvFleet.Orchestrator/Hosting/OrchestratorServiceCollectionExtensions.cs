using HvFleet.Orchestrator.Agents;
using HvFleet.Orchestrator.Agents.Grpc;
using HvFleet.Orchestrator.Fanout;
using HvFleet.Orchestrator.Inventory;
using HvFleet.Orchestrator.Store;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HvFleet.Orchestrator.Hosting;

/// <summary>Registration of the orchestrator's parts, one call each.</summary>
public static class OrchestratorServiceCollectionExtensions
{
    /// <summary>The engine, the store's initialisation at start and the background resume of unfinished operations. Needs an <see cref="Agents.IAgentConnector"/>,
    /// an inventory (<see cref="AddFileInventory"/>) and a store (<see cref="AddSqliteOperationStore"/>).</summary>
    public static IServiceCollection AddFleetOrchestrator(this IServiceCollection services, IConfiguration? configuration = null)
    {
        var builder = services.AddOptions<OrchestratorOptions>();
        if (configuration is not null)
        {
            builder.Bind(configuration.GetSection(OrchestratorOptions.SectionName));
        }

        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OrchestratorOptions>, OrchestratorOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OrchestratorFatalErrors>();
        services.AddFleetEngine();
        services.AddHostedService<OperationStoreInitializer>();
        services.AddHostedService<OperationResumeService>();
        return services;
    }

    /// <summary>The inventory from the file in <see cref="InventoryOptions.Path"/>, loaded at start and polled for changes.</summary>
    public static IServiceCollection AddFileInventory(this IServiceCollection services, IConfiguration? configuration = null,
        Action<InventoryOptions>? configure = null)
    {
        var builder = services.AddOptions<InventoryOptions>();
        if (configuration is not null)
        {
            builder.Bind(configuration.GetSection(InventoryOptions.SectionName));
        }

        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InventoryOptions>, InventoryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<FileFleetInventory>();
        services.TryAddSingleton<IFleetInventory>(sp => sp.GetRequiredService<FileFleetInventory>());
        services.AddHostedService<InventoryReloadService>();
        return services;
    }

    /// <summary>Operations in SQLite (WAL) in <see cref="SqliteOperationStoreOptions.DataDirectory"/>.</summary>
    public static IServiceCollection AddSqliteOperationStore(this IServiceCollection services, IConfiguration? configuration = null,
        Action<SqliteOperationStoreOptions>? configure = null)
    {
        var builder = services.AddOptions<SqliteOperationStoreOptions>();
        if (configuration is not null)
        {
            builder.Bind(configuration.GetSection(SqliteOperationStoreOptions.SectionName));
        }

        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteOperationStoreOptions>, SqliteOperationStoreOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IOperationStore, SqliteOperationStore>();
        return services;
    }

    /// <summary>Agents reached over gRPC: one channel per agent, reused (<see cref="AgentConnectionOptions"/>).</summary>
    public static IServiceCollection AddGrpcAgentConnector(this IServiceCollection services, IConfiguration? configuration = null,
        Action<AgentConnectionOptions>? configure = null)
    {
        var builder = services.AddOptions<AgentConnectionOptions>();
        if (configuration is not null)
        {
            builder.Bind(configuration.GetSection(AgentConnectionOptions.SectionName));
        }

        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentConnectionOptions>, AgentConnectionOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IAgentConnector, GrpcAgentConnector>();
        return services;
    }
}
