namespace HvFleet.Hypervisors.Lab.Export;

/// <summary>
/// One data file of an export: copied from <see cref="Source"/>, or, with a <see cref="BaseSource"/>,
/// written as a differencing disk of the blocks that differ from it.
/// </summary>
/// <remarks>
/// <see cref="ExpectedSha256"/> is the digest recorded when the snapshot was taken (null when none
/// was recorded); for a differencing disk it is the source disk's, and <see cref="BaseSha256"/> the base's.
/// </remarks>
internal sealed record LabExportFile(
    string Source,
    string Relative,
    long Size,
    string? ExpectedSha256,
    string? BaseSource = null,
    string? BaseSha256 = null);
