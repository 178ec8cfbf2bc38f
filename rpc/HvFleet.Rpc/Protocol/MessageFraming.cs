using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Google.Protobuf;

namespace HvFleet.Rpc.Protocol;

/// <summary>
/// Length-prefixed messages: 1 byte compressed flag, 4 bytes big-endian length, the message.
/// Reading checks the length against the limit before waiting for the body (reference §5.2).
/// </summary>
public static class MessageFraming
{
    /// <summary>
    /// Reads the next message, or returns null on a clean end of stream.
    /// Throws <see cref="RpcException"/> for protocol violations.
    /// </summary>
    public static async ValueTask<T?> ReadMessageAsync<T>(
        PipeReader reader,
        MessageParser<T> parser,
        int? maxMessageSize,
        ICompressionProvider? decompressor,
        CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            if (result.IsCanceled)
            {
                throw new RpcException(StatusCode.Internal, "Incoming message cancelled.");
            }

            var buffer = result.Buffer;
            if (TryReadFrame(buffer, maxMessageSize, out var compressed, out var payload, out var consumed))
            {
                T message;
                try
                {
                    message = Parse(parser, payload, compressed, decompressor, maxMessageSize);
                }
                finally
                {
                    reader.AdvanceTo(consumed);
                }

                return message;
            }

            if (result.IsCompleted)
            {
                var remaining = buffer.Length;
                reader.AdvanceTo(buffer.End);
                if (remaining == 0)
                {
                    return null;
                }

                throw new RpcException(StatusCode.Internal, "Incomplete message.");
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>
    /// Parses one frame from the start of <paramref name="buffer"/> when it is complete.
    /// Throws RESOURCE_EXHAUSTED as soon as the prefix announces a message over the limit.
    /// </summary>
    public static bool TryReadFrame(ReadOnlySequence<byte> buffer, int? maxMessageSize, out bool compressed, out ReadOnlySequence<byte> payload, out SequencePosition consumed)
    {
        compressed = false;
        payload = default;
        consumed = buffer.Start;
        if (buffer.Length < GrpcProtocol.HeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[GrpcProtocol.HeaderSize];
        buffer.Slice(0, GrpcProtocol.HeaderSize).CopyTo(header);
        compressed = header[0] switch
        {
            0 => false,
            1 => true,
            _ => throw new RpcException(StatusCode.Internal, "Invalid compressed flag " + header[0] + " in message prefix."),
        };

        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > int.MaxValue || (maxMessageSize is { } max && length > max))
        {
            throw new RpcException(StatusCode.ResourceExhausted, $"Received message larger than max ({length} vs. {maxMessageSize ?? int.MaxValue})");
        }

        if (buffer.Length < GrpcProtocol.HeaderSize + length)
        {
            return false;
        }

        payload = buffer.Slice(GrpcProtocol.HeaderSize, length);
        consumed = payload.End;
        return true;
    }

    private static T Parse<T>(MessageParser<T> parser, ReadOnlySequence<byte> payload, bool compressed, ICompressionProvider? decompressor, int? maxMessageSize)
        where T : class, IMessage<T>
    {
        if (compressed)
        {
            if (decompressor is null)
            {
                throw new RpcException(StatusCode.Internal, "Request sent a compressed message without a grpc-encoding (or with identity).");
            }

            payload = new ReadOnlySequence<byte>(Decompress(decompressor, payload, maxMessageSize));
        }

        try
        {
            return parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Failed to deserialize message."), Metadata.Empty, "Failed to deserialize message.", ex);
        }
    }

    private static byte[] Decompress(ICompressionProvider decompressor, ReadOnlySequence<byte> payload, int? maxMessageSize)
    {
        using var input = new MemoryStream(payload.ToArray(), writable: false);
        using var output = new MemoryStream();
        try
        {
            using var stream = decompressor.CreateDecompressionStream(input);
            var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                int read;
                while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
                {
                    output.Write(buffer, 0, read);
                    if (maxMessageSize is { } max && output.Length > max)
                    {
                        throw new RpcException(StatusCode.ResourceExhausted, $"Received message larger than max after decompression (over {max} bytes)");
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Failed to decompress message."), Metadata.Empty, "Failed to decompress message.", ex);
        }

        return output.ToArray();
    }

    /// <summary>
    /// Writes one framed message straight into <paramref name="writer"/> (no intermediate array)
    /// unless it is compressed. Returns the number of bytes written.
    /// </summary>
    public static int WriteMessage<T>(IBufferWriter<byte> writer, T message, ICompressionProvider? compressor, int? maxSendMessageSize)
        where T : IMessage<T>
    {
        if (compressor is null)
        {
            var size = message.CalculateSize();
            CheckSendSize(size, maxSendMessageSize);
            var header = writer.GetSpan(GrpcProtocol.HeaderSize);
            header[0] = 0;
            BinaryPrimitives.WriteUInt32BigEndian(header[1..], (uint)size);
            writer.Advance(GrpcProtocol.HeaderSize);
            if (size > 0)
            {
                message.WriteTo(writer);
            }

            return GrpcProtocol.HeaderSize + size;
        }

        var raw = message.ToByteArray();
        CheckSendSize(raw.Length, maxSendMessageSize);
        using var compressedStream = new MemoryStream();
        using (var stream = compressor.CreateCompressionStream(compressedStream, null))
        {
            stream.Write(raw);
        }

        var compressedLength = (int)compressedStream.Length;
        var span = writer.GetSpan(GrpcProtocol.HeaderSize + compressedLength);
        span[0] = 1;
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)compressedLength);
        compressedStream.GetBuffer().AsSpan(0, compressedLength).CopyTo(span[GrpcProtocol.HeaderSize..]);
        writer.Advance(GrpcProtocol.HeaderSize + compressedLength);
        return GrpcProtocol.HeaderSize + compressedLength;
    }

    private static void CheckSendSize(int size, int? maxSendMessageSize)
    {
        if (maxSendMessageSize is { } max && size > max)
        {
            throw new RpcException(StatusCode.ResourceExhausted, $"Sending message exceeds the maximum configured message size ({size} vs. {max}).");
        }
    }
}
