using HvFleet.Orchestrator.Fanout;
using HvFleet.Orchestrator.Operations;

namespace HvFleet.Orchestrator.Tests.Fakes;

/// <summary>Awaiting operation conditions through WatchOperation, with a timeout (no fixed sleeps).</summary>
internal static class OperationWaits
{
    public static async Task WaitForJobIdsAsync(FleetEngine engine, string operationId, int count) =>
        await WaitForAsync(engine, operationId, o => o.Tasks.Count(t => t.AgentJobId.Length > 0) >= count);

    public static async Task WaitForOutcomeAsync(FleetEngine engine, string operationId, string host, TaskOutcome outcome) =>
        await WaitForAsync(engine, operationId, o => o.Tasks.Any(t => t.HostName == host && t.Outcome == outcome));

    /// <summary>Watches the operation until <paramref name="condition"/> holds (no fixed sleeps).</summary>
    public static async Task WaitForAsync(FleetEngine engine, string operationId, Func<FleetOperation, bool> condition)
    {
        using var timeout = new CancellationTokenSource(EngineHarness.Timeout);
        var watch = await engine.WatchAsync(operationId, timeout.Token);
        var tasks = new Dictionary<string, FleetTask>();
        FleetOperation? current = null;
        await foreach (var update in watch!.WithCancellation(timeout.Token))
        {
            if (update.Operation is not null)
            {
                current = update.Operation;
                tasks = current.Tasks.ToDictionary(t => t.Id);
            }

            if (update.Task is not null)
            {
                tasks[update.Task.Id] = update.Task;
            }

            if (current is not null && condition(current with { Tasks = [.. tasks.Values] }))
            {
                return;
            }
        }

        Assert.Fail("the operation ended before the condition held");
    }
}
