namespace HvFleet.Rpc.Client;

/// <summary>Per-call options: metadata, deadline, cancellation, write options and request compression.</summary>
public readonly record struct CallOptions(
    Metadata? Headers = null,
    DateTime? Deadline = null,
    WriteOptions? WriteOptions = null,
    string? RequestCompression = null,
    CancellationToken CancellationToken = default)
{
    /// <summary>A copy with the given deadline (UTC).</summary>
    public CallOptions WithDeadline(DateTime deadline) => this with { Deadline = deadline };

    /// <summary>A copy with the given cancellation token.</summary>
    public CallOptions WithCancellationToken(CancellationToken cancellationToken) => this with { CancellationToken = cancellationToken };

    /// <summary>A copy with the given headers.</summary>
    public CallOptions WithHeaders(Metadata headers) => this with { Headers = headers };
}
