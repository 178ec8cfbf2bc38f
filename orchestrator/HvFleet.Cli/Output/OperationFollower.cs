using HvFleet.Protos.Orchestrator.V1;
using Grpc.Core;
using Spectre.Console;

namespace HvFleet.Cli.Output;

/// <summary>Follows WatchOperation to the end: live bars on a terminal (one per target, or per host when there are
/// many, plus the whole operation with its ETA), a line per finished target otherwise, nothing for JSON output.</summary>
internal static class OperationFollower
{
    private const int MaxTaskBars = 30;

    public static async Task<Operation> FollowAsync(Fleet.FleetClient client, string operationId, CliConsole console, bool quiet,
        CancellationToken cancellationToken)
    {
        using var call = client.WatchOperation(new WatchOperationRequest { OperationId = operationId }, cancellationToken: cancellationToken);
        var stream = call.ResponseStream.ReadAllAsync(cancellationToken);
        if (quiet)
        {
            return await DrainAsync(stream, _ => { });
        }

        if (!console.Interactive)
        {
            var reported = new HashSet<string>(StringComparer.Ordinal);
            return await DrainAsync(stream, task =>
            {
                if (IsTerminal(task.Outcome) && reported.Add(task.Id))
                {
                    console.Output.WriteLine($"{task.HostName}/{(task.TargetName.Length > 0 ? task.TargetName : task.TargetId)}: {OperationOutput.Name(task.Outcome)}");
                }
            });
        }

        Operation? final = null;
        await console.Ansi.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var overall = context.AddTask("[bold]operation[/]", maxValue: 100);
                var bars = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                var labels = new Dictionary<string, string>(StringComparer.Ordinal);
                var tasks = new Dictionary<string, Protos.Orchestrator.V1.HostTask>(StringComparer.Ordinal);
                final = await DrainAsync(stream, task =>
                {
                    tasks[task.Id] = task;
                    bool perTask = tasks.Count <= MaxTaskBars;
                    string key = perTask ? task.Id : task.HostName;
                    if (!bars.TryGetValue(key, out var bar))
                    {
                        labels[key] = Markup.Escape(perTask ? $"{task.HostName}/{(task.TargetName.Length > 0 ? task.TargetName : task.TargetId)}" : task.HostName);
                        bars[key] = bar = context.AddTask(labels[key], maxValue: 100);
                    }

                    var group = perTask ? [task] : tasks.Values.Where(t => t.HostName == task.HostName).ToList();
                    bar.Value = group.Average(t => IsTerminal(t.Outcome) ? 100 : t.Percent);
                    bar.Description = labels[key] + (group.All(t => IsTerminal(t.Outcome))
                        ? (group.All(t => t.Outcome == TaskOutcome.Succeeded) ? " [green]ok[/]" : " [red]" + OperationOutput.Name(group.First(t => t.Outcome != TaskOutcome.Succeeded).Outcome) + "[/]")
                        : "");
                }, summary => overall.Value = summary.Percent);
                overall.Value = 100;
            });
        return final!;
    }

    private static async Task<Operation> DrainAsync(IAsyncEnumerable<OperationEvent> stream, Action<Protos.Orchestrator.V1.HostTask> onTask,
        Action<OperationSummary>? onSummary = null)
    {
        Operation? last = null;
        await foreach (var update in stream)
        {
            if (update.Operation is { } whole)
            {
                last = whole;
                foreach (var task in whole.Tasks)
                {
                    onTask(task);
                }
            }

            if (update.Task is { } changed)
            {
                onTask(changed);
            }

            if (update.Summary is { } summary)
            {
                onSummary?.Invoke(summary);
            }
        }

        return last ?? throw new InvalidOperationException("the orchestrator ended the watch without the operation");
    }

    private static bool IsTerminal(TaskOutcome outcome) => outcome is TaskOutcome.Succeeded or TaskOutcome.Failed or TaskOutcome.Skipped
        or TaskOutcome.Unreachable or TaskOutcome.TimedOut or TaskOutcome.Cancelled;
}
