using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace HvFleet.Hypervisors.Lab;

/// <summary>
/// Copies a file and computes its SHA-256, the fastest way the platform offers: reflink first
/// (Auto; the clone is then hashed), else one buffered pass that reads, hashes and writes each
/// chunk (with a hash) or in-kernel copy_file_range (without one, or when asked for, with the
/// hash read running alongside). Progress is reported per chunk from
/// bytes actually copied; cancellation is checked between chunks. The destination must not exist;
/// on failure or cancellation it is deleted.
/// </summary>
internal sealed partial class LabFileCopier
{
    private readonly LabCopyMethod _method;
    private readonly int _chunkSize;

    public LabFileCopier(LabCopyMethod method, int chunkSize)
    {
        _method = method;
        _chunkSize = chunkSize;
    }

    /// <summary>
    /// Copies <paramref name="source"/> to a new file <paramref name="destination"/>; <paramref name="onBytes"/>
    /// is called with the number of bytes just copied (a delta), once per chunk. With
    /// <paramref name="computeHash"/> false no hash is computed (<see cref="LabCopyResult.Sha256"/> is
    /// null) and the copy is a pure reflink or in-kernel copy where the platform allows.
    /// </summary>
    public async Task<LabCopyResult> CopyAsync(string source, string destination, bool computeHash, Action<long>? onBytes, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (File.Exists(destination))
        {
            throw new IOException($"Copy destination '{destination}' already exists.");
        }

        try
        {
            using var dst = File.OpenHandle(destination, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
            return await CopyToAsync(source, dst, computeHash, onBytes, cancellationToken);
        }
        catch
        {
            TryDelete(destination);
            throw;
        }
    }

    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="destination"/>, a new, empty file opened
    /// for reading and writing (the caller created it, e.g. inside a confined directory, and removes
    /// it on failure). Same progress, hashing and fallbacks as the path overload.
    /// </summary>
    public async Task<LabCopyResult> CopyToAsync(string source, SafeFileHandle destination, bool computeHash, Action<long>? onBytes, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var src = File.OpenHandle(source, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        long length = RandomAccess.GetLength(src);

        // Tried for every file: the lab directory and an export directory may sit on different
        // filesystems, only some of which can reflink. A failed attempt costs one system call and
        // leaves the destination empty.
        if (_method == LabCopyMethod.Auto && LabNativeMethods.TryClone(src, destination))
        {
            onBytes?.Invoke(length);

            // The clone shares the source's extents: hashing it reads the very bytes the export holds.
            string? sha = computeHash ? await HashAsync(destination, length, null, cancellationToken) : null;
            return new LabCopyResult(length, sha, LabCopyPath.Reflink);
        }

        // Without a hash, the kernel copies best. With one, a single buffered pass (read, hash,
        // write each chunk) hashes the very bytes written and reads the source once.
        if (_method == LabCopyMethod.KernelCopy || (_method == LabCopyMethod.Auto && !computeHash))
        {
            var kernel = await TryKernelCopyAsync(src, destination, length, onBytes, computeHash, cancellationToken);
            if (kernel is { } done)
            {
                return done;
            }
        }

        return await BufferedCopyAsync(src, destination, length, onBytes, computeHash, cancellationToken);
    }

    /// <summary>SHA-256 of a whole file, read in large sequential chunks; <paramref name="onBytes"/> gets each chunk's size.</summary>
    public async Task<string> HashFileAsync(string path, Action<long>? onBytes, CancellationToken cancellationToken)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.SequentialScan);
        return await HashAsync(handle, RandomAccess.GetLength(handle), onBytes, cancellationToken);
    }

    private async Task<LabCopyResult?> TryKernelCopyAsync(SafeFileHandle src, SafeFileHandle dst, long length, Action<long>? onBytes, bool computeHash, CancellationToken cancellationToken)
    {
        // No preallocation: copy_file_range allocates as it goes, as cp does.
        // The source is immutable while we copy (a frozen snapshot file, or a live disk under its
        // VM lock), so hashing it in a parallel read pass equals hashing what the kernel copies.
        using var hashCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var hashTask = computeHash
            ? Task.Run<string?>(async () => await HashAsync(src, length, null, hashCancel.Token), CancellationToken.None)
            : Task.FromResult<string?>(null);
        try
        {
            // One blocking loop on a pool thread, rather than a thread hop per chunk.
            long copiedTotal = await Task.Run(() => KernelCopyLoop(src, dst, length, onBytes, cancellationToken), CancellationToken.None);
            if (copiedTotal < 0)
            {
                // copy_file_range is unavailable for this pair of files: copy in user space.
                await hashCancel.CancelAsync();
                await IgnoreAsync(hashTask);
                return null;
            }

            string? sha = await hashTask;
            return new LabCopyResult(length, sha, LabCopyPath.KernelCopy);
        }
        catch
        {
            await hashCancel.CancelAsync();
            await IgnoreAsync(hashTask);
            throw;
        }
    }

    /// <summary>Copies in the kernel chunk by chunk; -1 when copy_file_range cannot copy these files at all.</summary>
    private long KernelCopyLoop(SafeFileHandle src, SafeFileHandle dst, long length, Action<long>? onBytes, CancellationToken cancellationToken)
    {
        long offset = 0;
        while (offset < length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long copied = LabNativeMethods.CopyRange(src, dst, offset, Math.Min(_chunkSize, length - offset));
            if (copied < 0)
            {
                return offset == 0 ? -1 : throw new IOException($"copy_file_range failed after {offset} of {length} bytes.");
            }

            if (copied == 0)
            {
                throw new IOException($"The source ended at {offset} bytes, expected {length}.");
            }

            offset += copied;
            onBytes?.Invoke(copied);
        }

        return offset;
    }

    private async Task<LabCopyResult> BufferedCopyAsync(SafeFileHandle src, SafeFileHandle dst, long length, Action<long>? onBytes, bool computeHash, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] current = ArrayPool<byte>.Shared.Rent(_chunkSize);
        byte[] next = ArrayPool<byte>.Shared.Rent(_chunkSize);
        Task? pendingWrite = null;
        try
        {
            // Pipeline: while chunk N is written (pool thread) and hashed (this thread), chunk N+1 is read.
            long offset = 0;
            int read = await ReadChunkAsync(src, current, offset, length, cancellationToken);
            while (read > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var readNext = ReadChunkAsync(src, next, offset + read, length, cancellationToken);
                var chunk = current.AsMemory(0, read);
                long writeAt = offset;
                pendingWrite = Task.Run(() => RandomAccess.Write(dst, chunk.Span, writeAt), CancellationToken.None);
                if (computeHash)
                {
                    hash.AppendData(chunk.Span);
                }

                await pendingWrite;
                pendingWrite = null;
                offset += read;
                onBytes?.Invoke(read);
                read = await readNext;
                (current, next) = (next, current);
            }

            if (offset != length)
            {
                throw new IOException($"The source ended at {offset} bytes, expected {length}.");
            }

            return new LabCopyResult(length, computeHash ? Convert.ToHexStringLower(hash.GetHashAndReset()) : null, LabCopyPath.Buffered);
        }
        finally
        {
            if (pendingWrite is not null)
            {
                await IgnoreAsync(pendingWrite);
            }

            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(next);
        }
    }

    private async Task<string> HashAsync(SafeFileHandle handle, long length, Action<long>? onBytes, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(_chunkSize);
        try
        {
            long offset = 0;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int read = await ReadChunkAsync(handle, buffer, offset, length, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                hash.AppendData(buffer, 0, read);
                offset += read;
                onBytes?.Invoke(read);
            }

            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<int> ReadChunkAsync(SafeFileHandle handle, byte[] buffer, long offset, long length, CancellationToken cancellationToken)
    {
        int want = (int)Math.Min(_chunkSize, Math.Max(0, length - offset));
        int filled = 0;
        while (filled < want)
        {
            int n = await RandomAccess.ReadAsync(handle, buffer.AsMemory(filled, want - filled), offset + filled, cancellationToken);
            if (n == 0)
            {
                break;
            }

            filled += n;
        }

        return filled;
    }

    private static async Task IgnoreAsync(Task task)
    {
        try
        {
            await task;
        }
        catch
        {
            // The operation already failed or was cancelled; this task's outcome adds nothing.
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
