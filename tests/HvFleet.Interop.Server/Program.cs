using HvFleet.Interop;

// dotnet run --project tests/HvFleet.Interop.Server -- --port N [--tls [--tls-cert-out FILE]] [--bench-stats]
var options = InteropServerOptions.Parse(args, out var error);
if (options is null)
{
    await Console.Error.WriteLineAsync($"{error}\nUsage: HvFleet.Interop.Server --port N [--tls [--tls-cert-out FILE]] [--bench-stats]");
    return 2;
}

await using var app = InteropServer.Build(options);
await app.StartAsync();

// Scripts wait for this line to learn the port (useful with --port 0).
Console.WriteLine($"LISTENING {InteropServer.GetPort(app)}");
await app.WaitForShutdownAsync();
return 0;
