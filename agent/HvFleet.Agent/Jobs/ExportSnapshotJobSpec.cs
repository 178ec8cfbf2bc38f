using HvFleet.Hypervisors;

namespace HvFleet.Agent.Jobs;

/// <summary>Export a snapshot to a directory already confined under an export root.</summary>
internal sealed record ExportSnapshotJobSpec(ExportRequest Request) : JobSpec
{
    public override JobKind Kind => JobKind.ExportSnapshot;

    public override IReadOnlyList<string> TargetIds => [Request.SnapshotId];

    public override JobConcurrencyClass ConcurrencyClass => JobConcurrencyClass.Export;

    // An export holds its snapshot (a delete of it must wait) and its directory (two exports
    // into one folder would destroy each other; Windows paths compare without case).
    public override IReadOnlyList<string> ConcurrencyKeys =>
        ["snapshot:" + Request.SnapshotId, "directory:" + (OperatingSystem.IsWindows() ? Request.ExportDirectory.ToUpperInvariant() : Request.ExportDirectory)];

    public override string? ExportDirectory => Request.ExportDirectory;

    private protected override JobPayload ToPayloadRecord() => new()
    {
        Kind = Kind,
        SnapshotId = Request.SnapshotId,
        ExportDirectory = Request.ExportDirectory,
        ExportOptions = Request.Options,
        Overwrite = Request.Overwrite,
    };
}
