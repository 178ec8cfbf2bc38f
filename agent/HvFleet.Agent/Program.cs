using HvFleet.Agent.Hosting;
using Microsoft.Extensions.Options;

var (settings, help, errors) = AgentCommandLine.Parse(args);
if (help)
{
    Console.WriteLine(AgentCommandLine.Usage);
    return 0;
}

if (errors.Count > 0)
{
    foreach (var error in errors)
    {
        Console.Error.WriteLine("hvfleet-agent: " + error);
    }

    return 2;
}

WebApplication app;
try
{
    app = AgentHost.Build(settings);
}
catch (OptionsValidationException ex)
{
    foreach (var failure in ex.Failures)
    {
        Console.Error.WriteLine("hvfleet-agent: " + failure);
    }

    return 2;
}

await app.RunAsync();
return 0;
