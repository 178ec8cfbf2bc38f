namespace HvFleet.Hypervisors.Lab.Export;

/// <summary>
/// A differencing disk written: its size and SHA-256, how many blocks changed out of how many, and
/// the SHA-256 of the source disk and of the base disk as they were read.
/// </summary>
internal readonly record struct LabDeltaResult(long Bytes, string Sha256, int ChangedBlocks, long TotalBlocks, string SourceSha256, string BaseSha256);
