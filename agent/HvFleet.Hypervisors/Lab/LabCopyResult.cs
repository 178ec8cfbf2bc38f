namespace HvFleet.Hypervisors.Lab;

/// <summary>What a file copy did: bytes, SHA-256 of the content (lower-case hex; null when not asked for) and how it copied.</summary>
internal readonly record struct LabCopyResult(long Bytes, string? Sha256, LabCopyPath Path);
