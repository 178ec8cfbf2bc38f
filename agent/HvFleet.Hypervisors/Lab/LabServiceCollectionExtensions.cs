using HvFleet.Hypervisors.Lab;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the lab hypervisor.</summary>
public static class LabServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="LabHypervisor"/> as the <see cref="HvFleet.Hypervisors.IHypervisor"/>, with
    /// <see cref="LabHypervisorOptions"/> validated on start. Bind the options from configuration
    /// section <see cref="LabHypervisorOptions.SectionName"/> before or after this call, and/or adjust them here.
    /// </summary>
    public static IServiceCollection AddLabHypervisor(this IServiceCollection services, Action<LabHypervisorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<LabHypervisorOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LabHypervisorOptions>, LabHypervisorOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LabHypervisor>();
        services.TryAddSingleton<HvFleet.Hypervisors.IHypervisor>(sp => sp.GetRequiredService<LabHypervisor>());
        return services;
    }
}
