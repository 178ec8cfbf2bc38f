using System.Text.Json;

namespace HvFleet.Hypervisors.HyperV.Jobs;

/// <summary>
/// What the backend needs to finish an operation after an agent restart, kept as JSON in
/// <see cref="BackendJobReference.TargetId"/> (the agent stores it opaquely): the target, the step
/// a multi-job operation was at, the checkpoint name still to apply, the staging folder of an export.
/// </summary>
internal sealed record HyperVResumeState
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The VM group, VM or snapshot the operation acts on.</summary>
    public required string Target { get; init; }

    /// <summary>For operations made of several jobs: the id each step acts on (VMs, or member checkpoints).</summary>
    public IReadOnlyList<string>? Steps { get; init; }

    public int Step { get; init; }

    /// <summary>Checkpoints created by the steps before this one.</summary>
    public IReadOnlyList<string>? Done { get; init; }

    public SnapshotKind? Kind { get; init; }

    public ConsistencyLevel? Consistency { get; init; }

    public string? Name { get; init; }

    /// <summary>The identity of the agent job, still to be recorded on the checkpoint.</summary>
    public SnapshotOrigin? Origin { get; init; }

    /// <summary>Where Hyper-V writes the export, and where it goes when done.</summary>
    public string? Staging { get; init; }

    public string? ExportDirectory { get; init; }

    public ExportOptions? Options { get; init; }

    public string? DifferentialBase { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads the state; a plain id (not JSON) is a target without further state.</summary>
    public static HyperVResumeState Parse(string? text)
    {
        if (text is { Length: > 0 } && text[0] == '{')
        {
            try
            {
                return JsonSerializer.Deserialize<HyperVResumeState>(text, Json) ?? new HyperVResumeState { Target = string.Empty };
            }
            catch (JsonException)
            {
                // Fall through: treat it as an id.
            }
        }

        return new HyperVResumeState { Target = text ?? string.Empty };
    }
}
