namespace HvFleet.Rpc;

/// <summary>Writes a stream of messages, one write at a time.</summary>
public interface IAsyncStreamWriter<in T>
{
    /// <summary>Options for later writes (e.g. <see cref="WriteFlags.NoCompress"/>).</summary>
    WriteOptions? WriteOptions { get; set; }

    /// <summary>Writes one message; writes must not overlap.</summary>
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}
