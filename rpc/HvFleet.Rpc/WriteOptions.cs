namespace HvFleet.Rpc;

/// <summary>Per-write flags.</summary>
[Flags]
public enum WriteFlags
{
    None = 0,

    /// <summary>Do not flush after this write.</summary>
    BufferHint = 1,

    /// <summary>Send this message uncompressed even if the call compresses.</summary>
    NoCompress = 2,
}

/// <summary>Options applied to stream writes.</summary>
public sealed record WriteOptions(WriteFlags Flags = WriteFlags.None)
{
    public static readonly WriteOptions Default = new();
}
