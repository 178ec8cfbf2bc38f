using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace HvFleet.Hypervisors.Lab.Export;

/// <summary>
/// The lab's stand-in for a differencing disk (.avhdx) in a differential export: only the blocks
/// of a disk that differ from the same disk in the base snapshot, the way Hyper-V's resilient
/// change tracking exports only changed blocks. Applying it to the base's disk yields the disk as
/// the exported snapshot holds it. Little-endian layout:
/// <code>
/// "HVFLDIFF" | u32 version (1) | u32 block size | i64 disk length | 32-byte SHA-256 of the base disk
///   | 32-byte SHA-256 of the resulting disk
/// then per changed block: i64 block index | block bytes (block size; the last block may be shorter)
/// then i64 -1 | i32 number of changed blocks
/// </code>
/// </summary>
internal static class LabDifferencingDisk
{
    public const int DefaultBlockSize = 64 * 1024;

    private const int Version = 1;
    private const int HeaderSize = 8 + 4 + 4 + 8 + 32 + 32;
    private static readonly byte[] Magic = "HVFLDIFF"u8.ToArray();

    /// <summary>
    /// Writes the blocks of <paramref name="source"/> that differ from <paramref name="baseFile"/> to a
    /// new file <paramref name="destination"/>, hashing what it writes; <paramref name="onBytes"/> gets
    /// the disk bytes compared, about every 2 MiB. Both inputs are frozen snapshot files.
    /// </summary>
    public static async Task<LabDeltaResult> WriteAsync(
        string source,
        string baseFile,
        string destination,
        string baseSha256,
        string resultSha256,
        int blockSize,
        Action<long>? onBytes,
        CancellationToken cancellationToken)
    {
        try
        {
            using var output = File.OpenHandle(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            return await WriteAsync(source, baseFile, output, baseSha256, resultSha256, blockSize, onBytes, cancellationToken);
        }
        catch
        {
            File.Delete(destination);
            throw;
        }
    }

    /// <summary>
    /// As above, into <paramref name="destination"/>, a new, empty file the caller created (and
    /// removes on failure). The result also carries the SHA-256 of both inputs as read, so that the
    /// caller can check them against the digests recorded when the snapshots were taken.
    /// </summary>
    public static async Task<LabDeltaResult> WriteAsync(
        string source,
        string baseFile,
        SafeFileHandle destination,
        string baseSha256,
        string resultSha256,
        int blockSize,
        Action<long>? onBytes,
        CancellationToken cancellationToken)
    {
        using var src = File.OpenHandle(source, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        using var bas = File.OpenHandle(baseFile, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        long length = RandomAccess.GetLength(src);
        if (RandomAccess.GetLength(bas) != length)
        {
            throw new InvalidOperationException($"'{source}' and its base '{baseFile}' differ in length; a differencing disk needs equal sizes.");
        }

        byte[] current = ArrayPool<byte>.Shared.Rent(blockSize);
        byte[] previous = ArrayPool<byte>.Shared.Rent(blockSize);
        byte[] record = new byte[8];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var sourceHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var baseHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            await using var output = new FileStream(destination, FileAccess.Write, 1024 * 1024);
            byte[] header = new byte[HeaderSize];
            Magic.CopyTo(header, 0);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), Version);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), blockSize);
            BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), length);
            Convert.FromHexString(baseSha256).CopyTo(header, 24);
            Convert.FromHexString(resultSha256).CopyTo(header, 56);
            await WriteAsync(output, hash, header, cancellationToken);

            int changed = 0;
            long pending = 0;
            long blocks = (length + blockSize - 1) / blockSize;
            for (long index = 0; index < blocks; index++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                long offset = index * blockSize;
                int size = (int)Math.Min(blockSize, length - offset);
                ReadExactly(src, current.AsSpan(0, size), offset);
                ReadExactly(bas, previous.AsSpan(0, size), offset);
                sourceHash.AppendData(current.AsSpan(0, size));
                baseHash.AppendData(previous.AsSpan(0, size));
                if (!current.AsSpan(0, size).SequenceEqual(previous.AsSpan(0, size)))
                {
                    BinaryPrimitives.WriteInt64LittleEndian(record, index);
                    await WriteAsync(output, hash, record, cancellationToken);
                    await WriteAsync(output, hash, current.AsMemory(0, size), cancellationToken);
                    changed++;
                }

                pending += size;
                if (pending >= 2 * 1024 * 1024 || index == blocks - 1)
                {
                    onBytes?.Invoke(pending);
                    pending = 0;
                }
            }

            byte[] trailer = new byte[12];
            BinaryPrimitives.WriteInt64LittleEndian(trailer, -1);
            BinaryPrimitives.WriteInt32LittleEndian(trailer.AsSpan(8), changed);
            await WriteAsync(output, hash, trailer, cancellationToken);
            await output.FlushAsync(cancellationToken);
            return new LabDeltaResult(
                output.Length,
                Convert.ToHexStringLower(hash.GetHashAndReset()),
                changed,
                blocks,
                Convert.ToHexStringLower(sourceHash.GetHashAndReset()),
                Convert.ToHexStringLower(baseHash.GetHashAndReset()));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(previous);
        }
    }

    /// <summary>
    /// Rebuilds the disk a differencing file describes: <paramref name="baseFile"/> with the changed
    /// blocks applied, written to a new file <paramref name="output"/>. Checks both digests. Holds
    /// the whole disk in memory: meant for verification of lab-sized disks, not for restores.
    /// </summary>
    public static async Task ApplyAsync(string baseFile, string differencingFile, string output, CancellationToken cancellationToken)
    {
        byte[] delta = await File.ReadAllBytesAsync(differencingFile, cancellationToken);
        if (delta.Length < HeaderSize + 12 || !delta.AsSpan(0, 8).SequenceEqual(Magic) || BinaryPrimitives.ReadInt32LittleEndian(delta.AsSpan(8)) != Version)
        {
            throw new InvalidDataException($"'{differencingFile}' is not a lab differencing disk.");
        }

        int blockSize = BinaryPrimitives.ReadInt32LittleEndian(delta.AsSpan(12));
        long length = BinaryPrimitives.ReadInt64LittleEndian(delta.AsSpan(16));
        string baseSha = Convert.ToHexStringLower(delta.AsSpan(24, 32));
        string resultSha = Convert.ToHexStringLower(delta.AsSpan(56, 32));
        byte[] disk = await File.ReadAllBytesAsync(baseFile, cancellationToken);
        if (disk.LongLength != length || Convert.ToHexStringLower(SHA256.HashData(disk)) != baseSha)
        {
            throw new InvalidDataException($"'{baseFile}' is not the base '{differencingFile}' was made against.");
        }

        int position = HeaderSize;
        while (true)
        {
            long index = BinaryPrimitives.ReadInt64LittleEndian(delta.AsSpan(position));
            position += 8;
            if (index < 0)
            {
                break;
            }

            long offset = index * blockSize;
            int size = (int)Math.Min(blockSize, length - offset);
            delta.AsSpan(position, size).CopyTo(disk.AsSpan((int)offset, size));
            position += size;
        }

        if (Convert.ToHexStringLower(SHA256.HashData(disk)) != resultSha)
        {
            throw new InvalidDataException($"Applying '{differencingFile}' did not reproduce the disk it describes.");
        }

        await File.WriteAllBytesAsync(output, disk, cancellationToken);
    }

    private static async Task WriteAsync(FileStream output, IncrementalHash hash, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        hash.AppendData(bytes.Span);
        await output.WriteAsync(bytes, cancellationToken);
    }

    private static void ReadExactly(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        int filled = 0;
        while (filled < buffer.Length)
        {
            int n = RandomAccess.Read(handle, buffer[filled..], offset + filled);
            if (n == 0)
            {
                throw new EndOfStreamException("A snapshot disk ended early.");
            }

            filled += n;
        }
    }
}
