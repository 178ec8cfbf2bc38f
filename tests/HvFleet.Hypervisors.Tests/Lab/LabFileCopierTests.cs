using System.Security.Cryptography;
using HvFleet.Hypervisors.Lab;

namespace HvFleet.Hypervisors.Tests.Lab;

public sealed class LabFileCopierTests : LabTestBase
{
    [Theory]
    [InlineData(LabCopyMethod.Auto)]
    [InlineData(LabCopyMethod.Buffered)]
    [InlineData(LabCopyMethod.KernelCopy)]
    public async Task CopyAsync_EachMethod_CopiesEveryByteAndHashesIt(LabCopyMethod method)
    {
        byte[] content = new byte[(1024 * 1024) + 123];
        Random.Shared.NextBytes(content);
        string source = Path.Combine(Host.Root, "source.bin");
        string destination = Path.Combine(Host.Root, "copy.bin");
        await File.WriteAllBytesAsync(source, content);
        var copier = new LabFileCopier(method, 64 * 1024);
        var deltas = new List<long>();

        var result = await copier.CopyAsync(source, destination, computeHash: true, deltas.Add, CancellationToken.None);

        Assert.Equal(content, await File.ReadAllBytesAsync(destination));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), result.Sha256);
        Assert.Equal(content.Length, result.Bytes);
        Assert.Equal(content.Length, deltas.Sum());
        if (result.Path != LabCopyPath.Reflink)
        {
            Assert.True(deltas.Count >= 16, $"expected one report per 64 KiB chunk, got {deltas.Count}");
            Assert.All(deltas, d => Assert.True(d <= 64 * 1024));
        }

        if (method == LabCopyMethod.Buffered)
        {
            Assert.Equal(LabCopyPath.Buffered, result.Path);
        }
    }

    [Theory]
    [InlineData(LabCopyMethod.Auto)]
    [InlineData(LabCopyMethod.Buffered)]
    [InlineData(LabCopyMethod.KernelCopy)]
    public async Task CopyAsync_WithoutHash_CopiesEveryByteAndReturnsNoDigest(LabCopyMethod method)
    {
        byte[] content = new byte[(512 * 1024) + 7];
        Random.Shared.NextBytes(content);
        string source = Path.Combine(Host.Root, "source.bin");
        string destination = Path.Combine(Host.Root, "copy.bin");
        await File.WriteAllBytesAsync(source, content);

        var result = await new LabFileCopier(method, 64 * 1024).CopyAsync(source, destination, computeHash: false, null, CancellationToken.None);

        Assert.Null(result.Sha256);
        Assert.Equal(content, await File.ReadAllBytesAsync(destination));
    }

    [Theory]
    [InlineData(LabCopyMethod.Buffered)]
    [InlineData(LabCopyMethod.KernelCopy)]
    public async Task CopyAsync_CancelledMidway_RemovesTheDestination(LabCopyMethod method)
    {
        string source = Path.Combine(Host.Root, "source.bin");
        string destination = Path.Combine(Host.Root, "copy.bin");
        byte[] content = new byte[1024 * 1024];
        Random.Shared.NextBytes(content);
        await File.WriteAllBytesAsync(source, content);
        using var cancel = new CancellationTokenSource();
        var copier = new LabFileCopier(method, 64 * 1024);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => copier.CopyAsync(source, destination, computeHash: true, _ => cancel.Cancel(), cancel.Token));

        Assert.False(File.Exists(destination));
    }

    [Fact]
    public async Task CopyAsync_ExistingDestination_IsRefusedAndKept()
    {
        string source = Path.Combine(Host.Root, "source.bin");
        string destination = Path.Combine(Host.Root, "copy.bin");
        await File.WriteAllTextAsync(source, "new");
        await File.WriteAllTextAsync(destination, "old");

        await Assert.ThrowsAsync<IOException>(() => new LabFileCopier(LabCopyMethod.Auto, 4096).CopyAsync(source, destination, computeHash: true, null, CancellationToken.None));

        Assert.Equal("old", await File.ReadAllTextAsync(destination));
    }

    [Fact]
    public async Task CopyAsync_EmptyFile_CopiesWithTheEmptyDigest()
    {
        string source = Path.Combine(Host.Root, "empty.bin");
        await File.WriteAllBytesAsync(source, []);

        var result = await new LabFileCopier(LabCopyMethod.Buffered, 4096).CopyAsync(source, Path.Combine(Host.Root, "copy.bin"), computeHash: true, null, CancellationToken.None);

        Assert.Equal(0, result.Bytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(ReadOnlySpan<byte>.Empty)), result.Sha256);
    }
}
