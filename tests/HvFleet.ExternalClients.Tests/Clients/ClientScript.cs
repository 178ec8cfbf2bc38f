using HvFleet.ExternalClients.Tests.Fleet;
using HvFleet.Testing;
using Xunit.Abstractions;

namespace HvFleet.ExternalClients.Tests.Clients;

/// <summary>Runs the client of one language, <c>python</c> (Debian's grpcio under /usr/bin/python3,
/// tests/interop/python/fleet/fleet_client.py) or <c>node</c> (@grpc/grpc-js, tests/interop/node/fleet/fleet-client.mjs),
/// with a case and its arguments, to its end.</summary>
internal static class ClientScript
{
    public const string Python = "python";
    public const string Node = "node";

    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);

    /// <summary>Runs the client; when it fails, the servers' output goes to the test's log beside the client's.</summary>
    public static async Task<ClientRun> RunAsync(string language, string clientCase, IEnumerable<string> arguments, ITestOutputHelper log, FleetFixture fleet)
    {
        (string program, string script) = language switch
        {
            Python => ("/usr/bin/python3", Path.Combine(RepositoryPaths.Root, "tests", "interop", "python", "fleet", "fleet_client.py")),
            Node => ("node", Path.Combine(RepositoryPaths.Root, "tests", "interop", "node", "fleet", "fleet-client.mjs")),
            _ => throw new ArgumentOutOfRangeException(nameof(language), language, "python or node"),
        };
        string[] argv = [script, clientCase, .. arguments];
        await using var process = ChildProcess.Start(program, argv, workingDirectory: Path.GetDirectoryName(script));
        int exitCode = await process.WaitForExitAsync(RunTimeout);
        log.WriteLine($"$ {program} {string.Join(' ', argv)}\nexit {exitCode}\n{process.Output}");
        if (exitCode != 0)
        {
            log.WriteLine($"servers' output:\n{fleet.ServerOutput()}");
        }

        return new ClientRun(language, clientCase, exitCode, process.Output, process.StandardOutputLines);
    }
}
