using HvFleet.Orchestrator.Operations;

namespace HvFleet.Orchestrator.Benchmarks.Fanout;

/// <summary>One timed fan-out and where its time went, from the operation's own timestamps (seconds after the
/// operation was created): planning done (every agent listed), last task started, first and last task finished.</summary>
internal sealed record FanoutRun(FleetOperation Operation, TimeSpan Wall, TimeSpan Cpu, TimeSpan? AgentsCpu, TimeSpan Jit, int Tasks, int Retries, double Planned, double LastStarted, double FirstDone, double LastDone)
{
    public double CpuMsPerTask => Cpu.TotalMilliseconds / Tasks;

    /// <summary>The agents' CPU per task (all agents share one process), or NaN without it.</summary>
    public double AgentsCpuMsPerTask => AgentsCpu is { } cpu ? cpu.TotalMilliseconds / Tasks : double.NaN;

    public static FanoutRun From(FleetOperation operation, TimeSpan wall, TimeSpan cpu, TimeSpan? agentsCpu, TimeSpan jit)
    {
        var created = operation.CreatedAt;
        double Since(DateTimeOffset? at) => at is { } value ? (value - created).TotalSeconds : double.NaN;
        return new FanoutRun(
            operation,
            wall,
            cpu,
            agentsCpu,
            jit,
            operation.Tasks.Count,
            operation.Tasks.Sum(t => Math.Max(0, t.Attempts - 1)),
            Since(operation.StartedAt),
            operation.Tasks.Max(t => Since(t.StartedAt)),
            operation.Tasks.Min(t => Since(t.FinishedAt)),
            operation.Tasks.Max(t => Since(t.FinishedAt)));
    }
}
