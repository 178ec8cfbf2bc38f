using HvFleet.Agent.Jobs;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HvFleet.Agent.Hosting;

/// <summary>Registration of the agent's own options.</summary>
internal static class AgentHostingExtensions
{
    /// <summary>
    /// <see cref="AgentOptions"/> from the "Agent" section, then the environment, then the command
    /// line; platform defaults; validation at startup. The job store lives in the data directory
    /// unless "JobStore:DataDirectory" says otherwise.
    /// </summary>
    public static IServiceCollection AddAgentOptions(
        this IServiceCollection services, IConfiguration configuration, AgentSettingsOverrides environment, AgentSettingsOverrides commandLine)
    {
        services.AddOptions<AgentOptions>()
            .Bind(configuration.GetSection(AgentOptions.SectionName))
            .Configure(options =>
            {
                environment.ApplyTo(options);
                commandLine.ApplyTo(options);
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<AgentOptions>, AgentOptionsDefaults>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>());
        services.AddOptions<SqliteJobStoreOptions>().Configure<IOptions<AgentOptions>>((store, agent) =>
        {
            if (string.IsNullOrWhiteSpace(store.DataDirectory))
            {
                store.DataDirectory = agent.Value.DataDirectory ?? "";
            }
        });
        return services;
    }
}
