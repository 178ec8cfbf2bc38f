using HvFleet.Cli.Output;
using HvFleet.Protos.Orchestrator.V1;
using Grpc.Core;
using HvFleet.Security.Clients;

namespace HvFleet.Cli.Commands;

/// <summary>The shared tail of every command that starts or shows operations: follow, report or JSON, exit code.</summary>
internal static class OperationCommandRunner
{
    /// <summary>Runs <paramref name="action"/>, turning RPC failures into a message and exit code 1.</summary>
    public static async Task<int> GuardAsync(CliConsole console, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (RpcException ex)
        {
            var status = CallFailure.StatusOf(ex);
            console.WriteError($"{status.StatusCode}: {status.Detail}");
            return ExitCodes.Failed;
        }
        catch (Exception ex) when (ex is ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            // Bad connection flags: a missing or unreadable certificate, key or CA.
            console.WriteError(ex.Message);
            return ExitCodes.Failed;
        }
    }

    /// <summary>Reports a started operation: followed to its end with --wait (exit code by final state), else at once.</summary>
    public static async Task<int> ReportAsync(Fleet.FleetClient client, Operation started, bool wait, bool json, CliConsole console,
        CancellationToken cancellationToken)
    {
        var operation = started;
        if (wait && started.State is not (OperationState.Planned or OperationState.Succeeded or OperationState.Failed
                or OperationState.PartiallyFailed or OperationState.Cancelled))
        {
            operation = await OperationFollower.FollowAsync(client, started.Id, console, quiet: json, cancellationToken);
        }

        Write([operation], json, console);
        return wait || operation.State == OperationState.Planned ? OperationOutput.ExitCodeFor([operation]) : ExitCodes.Success;
    }

    public static void Write(IReadOnlyList<Operation> operations, bool json, CliConsole console)
    {
        if (json)
        {
            console.Output.WriteLine(OperationOutput.ToJson(operations));
            return;
        }

        foreach (var operation in operations)
        {
            OperationOutput.WriteReport(console.Ansi, operation);
        }
    }
}
