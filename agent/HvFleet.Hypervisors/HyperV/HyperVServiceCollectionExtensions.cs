using System.Runtime.Versioning;
using HvFleet.Hypervisors.HyperV;
using HvFleet.Hypervisors.HyperV.Wmi;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Hyper-V backend.</summary>
public static class HyperVServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="HvFleet.Hypervisors.IHypervisor"/> over Hyper-V WMI (root\virtualization\v2). Options come from
    /// <paramref name="configure"/> and from any <c>Configure&lt;HyperVOptions&gt;</c> bound to the
    /// <see cref="HyperVOptions.SectionName"/> section; they are validated on start. Windows only.
    /// </summary>
    [SupportedOSPlatform("windows")]
    public static IServiceCollection AddHyperVHypervisor(this IServiceCollection services, Action<HyperVOptions>? configure = null)
    {
        var builder = services.AddOptions<HyperVOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HyperVOptions>, HyperVOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IWmiConnectionFactory, ManagementWmiConnectionFactory>();
        services.TryAddSingleton<HvFleet.Hypervisors.IHypervisor, HyperVHypervisor>();
        return services;
    }
}
