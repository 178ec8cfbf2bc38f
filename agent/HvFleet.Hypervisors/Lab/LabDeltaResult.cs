namespace HvFleet.Hypervisors.Lab;

/// <summary>A differencing disk written: its size and SHA-256, and how many blocks changed out of how many.</summary>
internal readonly record struct LabDeltaResult(long Bytes, string Sha256, int ChangedBlocks, long TotalBlocks);
