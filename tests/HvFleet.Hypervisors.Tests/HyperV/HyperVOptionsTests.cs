using HvFleet.Hypervisors.HyperV;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HvFleet.Hypervisors.Tests.HyperV;

public sealed class HyperVOptionsTests
{
    [Fact]
    public void Defaults_AreValidAndDocumented()
    {
        var options = new HyperVOptions();

        Assert.Equal("HyperV", HyperVOptions.SectionName);
        Assert.Equal(@"root\virtualization\v2", options.NamespacePath);
        Assert.True(new HyperVOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Validate_EveryBadSetting_IsReportedAtOnce()
    {
        var options = new HyperVOptions
        {
            NamespacePath = " ",
            PollInterval = TimeSpan.FromMinutes(6),
            JobTimeout = TimeSpan.Zero,
            CancelGracePeriod = TimeSpan.FromSeconds(-1),
        };

        var result = new HyperVOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(4, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.Contains("HyperV:PollInterval", StringComparison.Ordinal));
    }

    [Fact]
    public void AddHyperVHypervisor_RegistersTheBackendWithValidatedOptions()
    {
        var services = new ServiceCollection();

#pragma warning disable CA1416 // Registration only: nothing Windows-specific runs until the connection is opened.
        services.AddHyperVHypervisor(o => o.PollInterval = TimeSpan.FromSeconds(1));
#pragma warning restore CA1416

        Assert.Contains(services, d => d.ServiceType == typeof(IHypervisor) && d.ImplementationType == typeof(HyperVHypervisor));
        Assert.Contains(services, d => d.ServiceType == typeof(IValidateOptions<HyperVOptions>) && d.ImplementationType == typeof(HyperVOptionsValidator));
        Assert.Contains(services, d => d.ServiceType == typeof(TimeProvider));
    }
}
