using HvFleet.Agent.Service;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace HvFleet.Agent.Tests.Service;

public sealed class SystemdNotifyServiceTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hvfleet-notify-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Lifecycle_StartedThenStopping_SendsReadyThenStopping()
    {
        var path = Path.Combine(_directory, "notify.sock");
        using var listener = SystemdNotifierTests.Bind(path);
        var service = new SystemdNotifyService(new SystemdNotifier(path), NullLogger<SystemdNotifyService>.Instance);

        await service.StartingAsync(CancellationToken.None);
        await service.StartAsync(CancellationToken.None);
        await service.StartedAsync(CancellationToken.None);
        var ready = await SystemdNotifierTests.ReceiveAsync(listener);
        await service.StoppingAsync(CancellationToken.None);
        var stopping = await SystemdNotifierTests.ReceiveAsync(listener);

        Assert.StartsWith("READY=1\n", ready, StringComparison.Ordinal);
        Assert.StartsWith("STOPPING=1\n", stopping, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentServiceIntegration_HostUnderSystemd_NotifiesReadyAfterEveryOtherServiceStarted()
    {
        var path = Path.Combine(_directory, "host.sock");
        using var listener = SystemdNotifierTests.Bind(path);
        var started = new List<string>();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddHostedService(_ => new RecordingService(started));
        builder.Services.AddSingleton(new SystemdNotifier(path));
        builder.Services.AddHostedService<SystemdNotifyService>();
        using var host = builder.Build();

        await host.StartAsync();
        var ready = await SystemdNotifierTests.ReceiveAsync(listener);
        Assert.Equal(["started"], started);
        Assert.StartsWith("READY=1", ready, StringComparison.Ordinal);

        await host.StopAsync();
        Assert.StartsWith("STOPPING=1", await SystemdNotifierTests.ReceiveAsync(listener), StringComparison.Ordinal);
    }

    private sealed class RecordingService(List<string> started) : IHostedLifecycleService
    {
        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken)
        {
            started.Add("started");
            return Task.CompletedTask;
        }

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
