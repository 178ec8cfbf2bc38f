using HvFleet.Cli;

return await CliApplication.RunAsync(args, CliConsole.FromProcess(), CancellationToken.None);
