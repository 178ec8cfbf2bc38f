using System.Runtime.Versioning;
using HvFleet.Agent.Hosting;
using Microsoft.Extensions.Options;

namespace HvFleet.Agent.Service;

/// <summary>How Program.cs runs the agent under a service manager (Windows SCM or systemd).</summary>
internal static class AgentServiceHosting
{
    /// <summary>The log file of the service runner itself (before and around the host).</summary>
    public const string ServiceLogFileName = "service.log";

    /// <summary>
    /// Registers the systemd readiness notification (inert without $NOTIFY_SOCKET) and, for a
    /// Windows service, file logging to &lt;data dir&gt;/logs/agent.log and a host lifetime that
    /// leaves stopping to the SCM. Register after the
    /// agent's own hosted services, so READY=1 follows health SERVING.
    /// </summary>
    public static IServiceCollection AddAgentServiceIntegration(this IServiceCollection services, bool windowsService)
    {
        services.AddSystemdNotify();
        if (windowsService)
        {
            services.AddSingleton<IHostLifetime, ServiceHostLifetime>();
            services.AddSingleton<ILoggerProvider>(provider => new FileLoggerProvider(
                LogDirectory(provider.GetRequiredService<IOptions<AgentOptions>>().Value.DataDirectory!),
                provider.GetRequiredService<TimeProvider>()));
        }

        return services;
    }

    /// <summary>&lt;data dir&gt;/logs.</summary>
    public static string LogDirectory(string dataDirectory) => Path.Combine(dataDirectory, "logs");

    /// <summary>
    /// Runs the agent as the Windows service the SCM started: returns the exit code once the
    /// service has stopped, or null when the SCM did not start this process (run as a console app).
    /// </summary>
    [SupportedOSPlatform("windows")]
    public static int? RunAsWindowsService(Func<IHost> buildHost, string? dataDirectory)
    {
        // The SCM starts services in %SystemRoot%\System32; appsettings.json lies beside the exe.
        Directory.SetCurrentDirectory(AppContext.BaseDirectory);
        using var serviceLog = new FileLoggerProvider(
            LogDirectory(dataDirectory ?? AgentOptionsDefaults.DefaultDataDirectory()), TimeProvider.System, ServiceLogFileName);
        var workload = new HostServiceWorkload(buildHost);
        try
        {
            var runner = new ServiceRunner(new WindowsServiceControlManager(), workload, TimeProvider.System, new ServiceRunnerTimings(), serviceLog.CreateLogger(typeof(ServiceRunner).FullName!));
            return runner.Run(ServiceRunner.DefaultServiceName);
        }
        finally
        {
            workload.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
