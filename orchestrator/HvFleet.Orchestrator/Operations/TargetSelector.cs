namespace HvFleet.Orchestrator.Operations;

/// <summary>What to act on on each selected host.</summary>
public sealed record TargetSelector
{
    public TargetSelectorKind Kind { get; init; } = TargetSelectorKind.AllCollections;

    /// <summary>Names or ids for <see cref="TargetSelectorKind.Collections"/> and <see cref="TargetSelectorKind.VirtualMachines"/>.</summary>
    public IReadOnlyList<string> Names { get; init; } = [];

    public static TargetSelector AllCollections { get; } = new();
}
