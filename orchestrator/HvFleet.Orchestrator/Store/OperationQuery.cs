using HvFleet.Orchestrator.Operations;

namespace HvFleet.Orchestrator.Store;

/// <summary>Which operations to list.</summary>
public sealed record OperationQuery
{
    /// <summary>Only these states (empty = all).</summary>
    public IReadOnlyList<OperationState> States { get; init; } = [];

    /// <summary>At most this many, newest first.</summary>
    public int Limit { get; init; } = 100;
}
