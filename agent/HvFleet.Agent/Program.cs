using HvFleet.Agent.Hosting;
using HvFleet.Agent.Jobs;
using HvFleet.Hypervisors;
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

// The flags are parsed above; the default command-line configuration source would reject
// value-less flags such as --insecure, so it gets none.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
builder.Configuration.AddEnvironmentVariables(AgentEnvironment.Prefix);
builder.Services.AddAgentOptions(builder.Configuration, environment.Overrides, commandLine.Overrides);
builder.Services.AddSqliteJobStore(builder.Configuration);
builder.Services.AddJobEngine(builder.Configuration);

var app = builder.Build();
try
{
    // Report every configuration problem now, plainly, instead of as a host start failure.
    _ = app.Services.GetRequiredService<IOptions<AgentOptions>>().Value;
    _ = app.Services.GetRequiredService<IOptions<JobOptions>>().Value;
    _ = app.Services.GetRequiredService<IOptions<SqliteJobStoreOptions>>().Value;
}
catch (OptionsValidationException ex)
{
    foreach (var failure in ex.Failures)
    {
        await Console.Error.WriteLineAsync("hvfleet-agent: " + failure);
    }

    return 2;
}

// The backends (AddLabHypervisor / AddHyperVHypervisor) and the RPC services are wired here
// when their branches are merged; until then the agent says so instead of failing obscurely.
if (app.Services.GetService<IHypervisor>() is null)
{
    await Console.Error.WriteLineAsync("hvfleet-agent: no hypervisor backend is available in this build.");
    return 1;
}

await app.RunAsync();
return 0;
