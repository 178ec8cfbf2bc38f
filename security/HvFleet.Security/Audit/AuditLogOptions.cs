namespace HvFleet.Security.Audit;

/// <summary>Where the audit log goes and how it rotates (section "Security:Audit").</summary>
public sealed class AuditLogOptions
{
    public const string SectionName = "Security:Audit";

    /// <summary>The current log file, e.g. <c>DATA/audit.log</c>; rotated files are <c>audit.1.log</c>, <c>audit.2.log</c>...</summary>
    public string? Path { get; set; }

    /// <summary>Rotate when the current file would grow past this many bytes (default 10 MiB).</summary>
    public long MaxFileBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Rotated files kept besides the current one (default 9).</summary>
    public int MaxRotatedFiles { get; set; } = 9;
}
