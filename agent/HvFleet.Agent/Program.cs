using HvFleet.Agent.Hosting;
using HvFleet.Agent.Service;
using Microsoft.Extensions.Options;

var commandLine = AgentCommandLine.Parse(args);
var environment = AgentEnvironment.Parse(Environment.GetEnvironmentVariables());
if (commandLine.ShowHelp)
{
    Console.WriteLine(AgentCommandLine.Usage);
    return 0;
}

if (commandLine.Errors.Count + environment.Errors.Count > 0)
{
    foreach (var error in environment.Errors.Concat(commandLine.Errors))
    {
        await Console.Error.WriteLineAsync("hvfleet-agent: " + error);
    }

    return 2;
}

try
{
    // Under the Windows SCM the agent reports service states; under systemd it sends READY=1.
    var windowsService = ServiceLaunch.IsStartedByServiceControlManager();
    WebApplication Build() => AgentHost.Build(new Dictionary<string, string?>(), commandLine.Overrides, environment.Overrides, services => services.AddAgentServiceIntegration(windowsService));
    if (windowsService && OperatingSystem.IsWindows() && AgentServiceHosting.RunAsWindowsService(Build, commandLine.Overrides.DataDirectory ?? environment.Overrides.DataDirectory) is { } serviceExitCode)
    {
        return serviceExitCode;
    }

    var app = Build();
    await LabStartupService.StartBeforeHostAsync(app.Services, CancellationToken.None);
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (AgentStartRefusal.Find(ex) is { } refused)
{
    // The backend's state is missing or damaged: one line saying which file and how to recover; health never served.
    await Console.Error.WriteLineAsync(AgentStartRefusal.Line(refused));
    return 1;
}
catch (OptionsValidationException ex)
{
    // Every configuration problem, plainly, instead of a host start failure.
    foreach (var failure in ex.Failures)
    {
        await Console.Error.WriteLineAsync("hvfleet-agent: " + failure);
    }

    return 2;
}
catch (Exception ex)
{
    // A fatal error (a damaged job database, a full disk at startup...): one line naming the cause and exit 1, so that
    // a service manager restarts the agent (systemd Restart=on-failure) instead of seeing a clean exit or an abort.
    await Console.Error.WriteLineAsync("hvfleet-agent: fatal: " + FatalError.Describe(ex));
    return 1;
}

