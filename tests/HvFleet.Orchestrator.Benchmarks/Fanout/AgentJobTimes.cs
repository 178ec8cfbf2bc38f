using HvFleet.Security.Clients;
using System.Globalization;
using HvFleet.Orchestrator.Operations;
using HvFleet.Protos.Agent.V1;

namespace HvFleet.Orchestrator.Benchmarks.Fanout;

/// <summary>
/// Where a run's time went, seen from both sides: the agents' own job timestamps (read back with GetJob after the
/// run, on separate connections) beside the orchestrator's task timestamps. Same machine, same clock.
/// <list type="bullet">
/// <item>job created / finished: when the agents created and finished the jobs, seconds after the operation was created;</item>
/// <item>to agent: orchestrator task start → agent job created (request sent, received, job stored by the agent);</item>
/// <item>back: agent job finished → orchestrator task finished (terminal event persisted and sent by the agent, received
/// and handled by the orchestrator).</item>
/// </list>
/// </summary>
internal sealed record AgentJobTimes(double FirstCreated, double LastCreated, double FirstFinished, double LastFinished,
    double ToAgentP50Ms, double ToAgentMaxMs, double BackP50Ms, double BackP99Ms, double BackMaxMs)
{
    public static async Task<AgentJobTimes> ReadAsync(FleetOperation operation, IReadOnlyDictionary<string, string> addresses,
        CancellationToken cancellationToken)
    {
        var jobs = new Job?[operation.Tasks.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, operation.Tasks.Count),
            new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var task = operation.Tasks[i];
                using var channel = FleetChannels.Create($"http://{addresses[task.HostName]}");
                var client = new HostAgent.HostAgentClient(channel);
                jobs[i] = (await client.GetJobAsync(new GetJobRequest { JobId = task.AgentJobId }, cancellationToken: ct)).Job;
            });

        var created = operation.CreatedAt;
        var rows = operation.Tasks.Zip(jobs, (task, job) => (Task: task, Job: job ?? throw new InvalidOperationException($"no job {task.AgentJobId} on {task.HostName}"))).ToList();
        double Since(DateTimeOffset at) => (at - created).TotalSeconds;
        var jobCreated = rows.Select(r => Since(r.Job.CreatedAt.ToDateTimeOffset())).ToList();
        var jobFinished = rows.Select(r => Since(r.Job.FinishedAt.ToDateTimeOffset())).ToList();
        var toAgent = rows.Select(r => (r.Job.CreatedAt.ToDateTimeOffset() - r.Task.StartedAt!.Value).TotalMilliseconds).Order().ToList();
        var back = rows.Select(r => (r.Task.FinishedAt!.Value - r.Job.FinishedAt.ToDateTimeOffset()).TotalMilliseconds).Order().ToList();
        return new AgentJobTimes(jobCreated.Min(), jobCreated.Max(), jobFinished.Min(), jobFinished.Max(),
            Percentile(toAgent, 0.5), toAgent[^1], Percentile(back, 0.5), Percentile(back, 0.99), back[^1]);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"agents' clock (median run): jobs created {FirstCreated:0.000}-{LastCreated:0.000} s, finished {FirstFinished:0.000}-{LastFinished:0.000} s; " +
        $"task start -> job created p50 {ToAgentP50Ms:0} ms, max {ToAgentMaxMs:0} ms; job finished -> task finished p50 {BackP50Ms:0} ms, p99 {BackP99Ms:0} ms, max {BackMaxMs:0} ms");

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
