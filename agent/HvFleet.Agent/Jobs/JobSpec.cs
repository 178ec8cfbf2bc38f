using System.Text.Json;
using HvFleet.Hypervisors;

namespace HvFleet.Agent.Jobs;

/// <summary>What a job is asked to do, validated before the job exists.</summary>
internal abstract record JobSpec
{
    public abstract JobKind Kind { get; }

    /// <summary>What the job acts on, as reported in <see cref="AgentJob.TargetIds"/>.</summary>
    public abstract IReadOnlyList<string> TargetIds { get; }

    public abstract JobConcurrencyClass ConcurrencyClass { get; }

    /// <summary>
    /// Keys that two jobs must not hold at once: a second job on the same key waits its turn
    /// while jobs on other keys proceed.
    /// </summary>
    public abstract IReadOnlyList<string> ConcurrencyKeys { get; }

    /// <summary>For exports, the target directory; null otherwise.</summary>
    public virtual string? ExportDirectory => null;

    /// <summary>
    /// The request as canonical JSON: the same request always gives the same text, so an
    /// idempotent replay can be told from a different request reusing the request id.
    /// </summary>
    public string ToPayload() => JsonSerializer.Serialize(ToPayloadRecord(), JobJsonContext.Default.JobPayload);

    /// <summary>Reads a payload written by <see cref="ToPayload"/>.</summary>
    /// <exception cref="FormatException">The payload is not a job request.</exception>
    public static JobSpec FromPayload(string payload)
    {
        JobPayload? record;
        try
        {
            record = JsonSerializer.Deserialize(payload, JobJsonContext.Default.JobPayload);
        }
        catch (JsonException ex)
        {
            throw new FormatException("The job payload is not valid JSON.", ex);
        }

        return record?.Kind switch
        {
            JobKind.CreateSnapshot => new CreateSnapshotJobSpec(new SnapshotRequest(
                record.CollectionId is { } collectionId
                    ? SnapshotTarget.Collection(collectionId)
                    : SnapshotTarget.VirtualMachines(record.VmIds ?? []),
                record.SnapshotKind ?? SnapshotKind.Recovery,
                record.Name,
                record.Consistency ?? ConsistencyLevel.Default)),
            JobKind.ExportSnapshot => new ExportSnapshotJobSpec(new ExportRequest(
                record.SnapshotId ?? throw new FormatException("The export payload has no snapshot id."),
                record.ExportDirectory ?? throw new FormatException("The export payload has no export directory."),
                record.ExportOptions ?? ExportOptions.Default,
                record.Overwrite)),
            JobKind.DeleteSnapshot => new DeleteSnapshotJobSpec(
                record.SnapshotId ?? throw new FormatException("The delete payload has no snapshot id.")),
            _ => throw new FormatException("The job payload has no known kind."),
        };
    }

    private protected abstract JobPayload ToPayloadRecord();
}
