using System.Globalization;
using Grpc.Health.V1;
using HvFleet.Agent.Hosting;
using HvFleet.Agent.Service;
using HvFleet.Security.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace HvFleet.Agent.Tests.Service;

/// <summary>The service integration on a real agent (lab backend, loopback, plaintext).</summary>
public sealed class AgentServiceHostingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hvfleet-agent-service-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task AgentUnderSystemd_Start_SendsReadyOnceHealthIsServingThenStoppingOnStop()
    {
        var socketPath = Path.Combine(_directory, "notify.sock");
        using var listener = SystemdNotifierTests.Bind(socketPath);
        await using var app = BuildAgent(services =>
        {
            services.AddAgentServiceIntegration(windowsService: false);
            services.AddSingleton(new SystemdNotifier(socketPath));
        });

        await app.StartAsync();
        var ready = await SystemdNotifierTests.ReceiveAsync(listener);
        var health = app.Services.GetRequiredService<FleetHealth>();
        Assert.StartsWith("READY=1", ready, StringComparison.Ordinal);
        Assert.True(health.TryGetStatus("", out var status));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, status);
        Assert.IsNotType<ServiceHostLifetime>(app.Services.GetRequiredService<IHostLifetime>());

        await app.StopAsync();
        Assert.StartsWith("STOPPING=1", await SystemdNotifierTests.ReceiveAsync(listener), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentAsWindowsService_UnderFakeScm_RunsThenStopsOnStopControlWithLogsInTheDataDirectory()
    {
        var scm = new FakeServiceControlManager();
        WebApplication? app = null;
        await using var workload = new HostServiceWorkload(() => app = BuildAgent(services => services.AddAgentServiceIntegration(windowsService: true)));
        var runner = new ServiceRunner(scm, workload, TimeProvider.System, new ServiceRunnerTimings(), NullLogger.Instance);

        var life = runner.RunServiceAsync(ServiceRunner.DefaultServiceName);
        await scm.WaitForAsync(r => r.State == ServiceState.Running);
        Assert.IsType<ServiceHostLifetime>(app!.Services.GetRequiredService<IHostLifetime>());
        Assert.True(app.Services.GetRequiredService<FleetHealth>().TryGetStatus("", out var status));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, status);

        Assert.Equal(0, scm.Send(ServiceControl.Stop));
        Assert.Equal(0, await life.WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Equal(
            [ServiceState.StartPending, ServiceState.Running, ServiceState.StopPending, ServiceState.Stopped],
            scm.Reports.Select(r => r.State).Distinct());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, HealthOf(app));
        var log = await File.ReadAllTextAsync(Path.Combine(_directory, "data", "logs", FileLoggerProvider.DefaultFileName));
        Assert.Contains("Agent is serving.", log, StringComparison.Ordinal);
        Assert.Contains("draining running ones", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentAsWindowsService_BadSettings_ReportsStoppedWithExitCodeInsteadOfHanging()
    {
        var scm = new FakeServiceControlManager();
        await using var workload = new HostServiceWorkload(() => BuildAgent(_ => { }, listen: "10.1.2.3:50051"));
        var runner = new ServiceRunner(scm, workload, TimeProvider.System, new ServiceRunnerTimings(), NullLogger.Instance);

        var exitCode = await runner.RunServiceAsync(ServiceRunner.DefaultServiceName).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exitCode);
        Assert.Equal(ServiceState.Stopped, scm.Reports[^1].State);
        Assert.Equal(ServiceStatusReport.ErrorServiceSpecificError, scm.Reports[^1].Win32ExitCode);
    }

    private static HealthCheckResponse.Types.ServingStatus HealthOf(WebApplication app) =>
        app.Services.GetRequiredService<FleetHealth>().TryGetStatus("", out var status) ? status : HealthCheckResponse.Types.ServingStatus.Unknown;

    private WebApplication BuildAgent(Action<IServiceCollection> configure, string listen = "127.0.0.1:0") =>
        AgentHost.Build(
            new Dictionary<string, string?>
            {
                ["Agent:Listen"] = listen,
                ["Agent:InsecureLoopbackTcp"] = "true",
                ["Agent:DataDirectory"] = Path.Combine(_directory, "data"),
                ["Lab:SeedDiskSizeBytes"] = (64 * 1024).ToString(CultureInfo.InvariantCulture),
                ["Logging:LogLevel:Default"] = "Information",
            },
            configureServices: configure);
}
