using HvFleet.Hypervisors.Lab;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HvFleet.Hypervisors.Tests.Lab;

public sealed class LabHypervisorOptionsValidatorTests
{
    [Fact]
    public void Validate_DefaultsWithAbsoluteDirectory_Succeeds()
    {
        var result = new LabHypervisorOptionsValidator().Validate(null, new LabHypervisorOptions { Directory = Path.GetTempPath() });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_ManyProblems_ReportsEveryOneNamingTheSetting()
    {
        var options = new LabHypervisorOptions
        {
            Directory = "relative/lab",
            SeedMinVmsPerCollection = 4,
            SeedMaxVmsPerCollection = 2,
            GuestIoInterval = TimeSpan.Zero,
            CopyBufferSize = 10,
            Faults = new LabFaultOptions { Delay = TimeSpan.FromSeconds(-1), FailureProbability = 2 },
            OperationFaults = { [BackendOperationKind.ExportSnapshot] = new LabFaultOptions { FailNext = -1, FailureCode = 0 } },
        };

        var result = new LabHypervisorOptionsValidator().Validate(null, options);

        Assert.False(result.Succeeded);
        string[] expected =
        [
            "Lab:Directory", "Lab:SeedMaxVmsPerCollection", "Lab:GuestIoInterval", "Lab:CopyBufferSize",
            "Lab:Faults:Delay", "Lab:Faults:FailureProbability", "Lab:OperationFaults:ExportSnapshot:FailNext", "Lab:OperationFaults:ExportSnapshot:FailureCode",
        ];
        var failures = result.Failures!.ToArray();
        Assert.Equal(expected.Length, failures.Length);
        Assert.All(expected, name => Assert.Contains(failures, f => f.StartsWith(name, StringComparison.Ordinal)));
    }

    [Fact]
    public void Validate_MissingDirectory_SaysItIsRequired()
    {
        var result = new LabHypervisorOptionsValidator().Validate(null, new LabHypervisorOptions());

        Assert.Equal("Lab:Directory is required.", Assert.Single(result.Failures!));
    }

    [Fact]
    public void AddLabHypervisor_Registers_HypervisorValidatorTimeProviderAndConfiguration()
    {
        var services = new ServiceCollection();

        services.AddLabHypervisor(o => o.Directory = "/srv/lab");

        Assert.Contains(services, d => d.ServiceType == typeof(IHypervisor) && d.Lifetime == ServiceLifetime.Singleton);
        Assert.Contains(services, d => d.ServiceType == typeof(LabHypervisor) && d.ImplementationType == typeof(LabHypervisor));
        Assert.Contains(services, d => d.ServiceType == typeof(IValidateOptions<LabHypervisorOptions>) && d.ImplementationType == typeof(LabHypervisorOptionsValidator));
        Assert.Contains(services, d => d.ServiceType == typeof(TimeProvider));
        var configure = services.Where(d => d.ServiceType == typeof(IConfigureOptions<LabHypervisorOptions>))
            .Select(d => (IConfigureOptions<LabHypervisorOptions>)d.ImplementationInstance!)
            .ToArray();
        var options = new LabHypervisorOptions();
        foreach (var c in configure)
        {
            c.Configure(options);
        }

        Assert.Equal("/srv/lab", options.Directory);
        Assert.Equal("Lab", LabHypervisorOptions.SectionName);
    }
}
