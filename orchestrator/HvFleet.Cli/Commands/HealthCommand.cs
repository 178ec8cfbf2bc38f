using System.CommandLine;
using Grpc.Health.V1;

namespace HvFleet.Cli.Commands;

/// <summary>
/// <c>hvfleet health</c>: calls grpc.health.v1.Health/Check and exits 0 when the server reports SERVING, 1 otherwise
/// (NOT_SERVING, unreachable, refused). Made for probes: the Docker HEALTHCHECK against <c>serve --health-listen</c>,
/// or an exec probe against the mTLS port with a viewer certificate. Works against agents too.
/// </summary>
internal static class HealthCommand
{
    public static Command Create(CliConsole console)
    {
        var address = new Option<string>("--address", "-a")
        {
            Description = "HOST:PORT, URL or unix:/PATH of the server to check",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("HVFLEET_ORCHESTRATOR") is { Length: > 0 } env ? env : CommonOptions.DefaultOrchestrator,
        };
        var connection = new OrchestratorConnectionOptions(address);
        var service = new Option<string>("--service") { Description = "Service name to check (default: the whole server)", DefaultValueFactory = _ => "" };
        var timeout = CommonOptions.Duration("--timeout", "Give up after this long (default 5s)");
        var command = new Command("health", "Check a server's grpc.health.v1 status: exit 0 when SERVING, 1 otherwise") { service, timeout };
        connection.AddTo(command);
        command.SetAction((parse, cancellationToken) => OperationCommandRunner.GuardAsync(console, async () =>
        {
            using var fleet = connection.Connect(parse);
            var deadline = DateTime.UtcNow + (parse.GetValue(timeout) ?? TimeSpan.FromSeconds(5));
            var response = await fleet.Health.CheckAsync(new HealthCheckRequest { Service = parse.GetValue(service)! },
                deadline: deadline, cancellationToken: cancellationToken);
            string status = response.Status switch
            {
                HealthCheckResponse.Types.ServingStatus.Serving => "SERVING",
                HealthCheckResponse.Types.ServingStatus.NotServing => "NOT_SERVING",
                HealthCheckResponse.Types.ServingStatus.ServiceUnknown => "SERVICE_UNKNOWN",
                _ => "UNKNOWN",
            };
            console.Output.WriteLine(status);
            return response.Status == HealthCheckResponse.Types.ServingStatus.Serving ? ExitCodes.Success : ExitCodes.Failed;
        }));
        return command;
    }
}
