namespace HvFleet.Orchestrator.Operations;

/// <summary>Which inventory hosts an operation covers. Empty selects nothing; <see cref="All"/> selects the fleet.
/// Names and labels combine: a host must be named (when names are given) and carry every label.</summary>
public sealed record HostSelector
{
    public bool All { get; init; }

    public IReadOnlyList<string> Names { get; init; } = [];

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public static HostSelector Everything { get; } = new() { All = true };

    public bool IsEmpty => !All && Names.Count == 0 && Labels.Count == 0;
}
