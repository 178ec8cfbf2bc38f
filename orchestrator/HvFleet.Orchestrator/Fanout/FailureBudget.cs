using HvFleet.Orchestrator.Policy;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>Failures counted fleet-wide across an operation's waves, against <see cref="FleetPolicy.FailureBudget"/>.</summary>
internal sealed class FailureBudget(FleetPolicy policy)
{
    public int FleetFailures { get; set; }

    public bool FleetExceeded => policy.FailureBudget is { } budget && FleetFailures > budget;
}
