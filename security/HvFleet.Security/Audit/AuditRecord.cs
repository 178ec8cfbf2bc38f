namespace HvFleet.Security.Audit;

/// <summary>One audit line. Holds identities and ids only: never request bodies, keys or tokens.</summary>
public sealed record AuditRecord
{
    public required DateTimeOffset Time { get; init; }

    /// <summary>Caller name (certificate CN, <c>local-uid-N</c>, <c>insecure-loopback-tcp</c>, or <c>anonymous</c>).</summary>
    public required string Caller { get; init; }

    /// <summary>Caller role name, when known.</summary>
    public string? Role { get; init; }

    /// <summary>SHA-256 thumbprint of the caller's certificate.</summary>
    public string? Thumbprint { get; init; }

    /// <summary>The caller's user id (local callers on a Unix socket, from the kernel).</summary>
    public uint? Uid { get; init; }

    /// <summary>The caller's process id (local callers on a Unix socket).</summary>
    public int? Pid { get; init; }

    /// <summary>The caller's address.</summary>
    public string? Peer { get; init; }

    /// <summary>The full method, <c>/package.Service/Method</c>.</summary>
    public required string Method { get; init; }

    /// <summary>The status code name, e.g. OK, PERMISSION_DENIED.</summary>
    public required string Outcome { get; init; }

    /// <summary>The status message for failures (truncated).</summary>
    public string? Detail { get; init; }

    public IReadOnlyList<string> Targets { get; init; } = [];

    public string? RequestId { get; init; }

    public string? JobId { get; init; }

    public string? OperationId { get; init; }
}
