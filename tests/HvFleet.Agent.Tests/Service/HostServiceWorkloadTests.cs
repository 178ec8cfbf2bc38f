using HvFleet.Agent.Service;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HvFleet.Agent.Tests.Service;

public sealed class HostServiceWorkloadTests
{
    [Fact]
    public async Task Stopping_HostStopsItself_Completes()
    {
        IHost? host = null;
        await using var workload = new HostServiceWorkload(() => host = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings()).Build());
        await workload.StartAsync(CancellationToken.None);
        Assert.False(workload.Stopping.IsCompleted);

        // What a fatal error in the agent does.
        host!.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        await workload.Stopping.WaitAsync(TimeSpan.FromSeconds(30));
        await workload.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task StartAsync_BuildThrows_PropagatesForTheRunnerToReport()
    {
        await using var workload = new HostServiceWorkload(() => throw new InvalidOperationException("bad settings"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => workload.StartAsync(CancellationToken.None));
        Assert.Equal("bad settings", error.Message);
        await workload.StopAsync(CancellationToken.None);
    }
}
