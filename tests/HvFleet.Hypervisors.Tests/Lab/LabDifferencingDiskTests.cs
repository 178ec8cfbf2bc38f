using HvFleet.Hypervisors.Lab.Export;

namespace HvFleet.Hypervisors.Tests.Lab;

public sealed class LabDifferencingDiskTests : LabTestBase
{
    private const int Block = 4096;

    [Fact]
    public async Task WriteAsync_ChangedBlocksIncludingAShortLastOne_OnlyThoseAreStoredAndApplyRebuildsTheDisk()
    {
        byte[] baseBytes = new byte[(10 * Block) + 100];
        Random.Shared.NextBytes(baseBytes);
        byte[] current = (byte[])baseBytes.Clone();
        current[(3 * Block) + 5] ^= 0xFF;
        current[^1] ^= 0xFF;
        var (basePath, currentPath) = await WriteAsync(baseBytes, current);
        string delta = Path.Combine(Host.Root, "disk.avhdx");

        var result = await LabDifferencingDisk.WriteAsync(currentPath, basePath, delta, LabTestFiles.Sha256(basePath), LabTestFiles.Sha256(currentPath), Block, null, Timeout);

        Assert.Equal(2, result.ChangedBlocks);
        Assert.Equal(11, result.TotalBlocks);
        Assert.Equal(new FileInfo(delta).Length, result.Bytes);
        Assert.Equal(LabTestFiles.Sha256(delta), result.Sha256);
        Assert.True(result.Bytes < (2 * Block) + 200, $"delta of {result.Bytes} bytes for two changed blocks");
        string rebuilt = Path.Combine(Host.Root, "rebuilt.bin");
        await LabDifferencingDisk.ApplyAsync(basePath, delta, rebuilt, Timeout);
        Assert.Equal(current, await File.ReadAllBytesAsync(rebuilt, Timeout));
    }

    [Fact]
    public async Task WriteAsync_IdenticalFiles_StoresNoBlocks()
    {
        byte[] bytes = new byte[8 * Block];
        Random.Shared.NextBytes(bytes);
        var (basePath, currentPath) = await WriteAsync(bytes, bytes);

        var result = await LabDifferencingDisk.WriteAsync(currentPath, basePath, Path.Combine(Host.Root, "d.avhdx"), LabTestFiles.Sha256(basePath), LabTestFiles.Sha256(currentPath), Block, null, Timeout);

        Assert.Equal(0, result.ChangedBlocks);
    }

    [Fact]
    public async Task ApplyAsync_WrongBase_IsRefused()
    {
        byte[] baseBytes = new byte[4 * Block];
        Random.Shared.NextBytes(baseBytes);
        byte[] current = (byte[])baseBytes.Clone();
        current[0] ^= 1;
        var (basePath, currentPath) = await WriteAsync(baseBytes, current);
        string delta = Path.Combine(Host.Root, "d.avhdx");
        await LabDifferencingDisk.WriteAsync(currentPath, basePath, delta, LabTestFiles.Sha256(basePath), LabTestFiles.Sha256(currentPath), Block, null, Timeout);
        string otherBase = Path.Combine(Host.Root, "other.bin");
        await File.WriteAllBytesAsync(otherBase, new byte[4 * Block], Timeout);

        await Assert.ThrowsAsync<InvalidDataException>(() => LabDifferencingDisk.ApplyAsync(otherBase, delta, Path.Combine(Host.Root, "out.bin"), Timeout));
        Assert.False(File.Exists(Path.Combine(Host.Root, "out.bin")));
    }

    [Fact]
    public async Task WriteAsync_DifferentLengths_IsRefusedWithoutOutput()
    {
        var (basePath, currentPath) = await WriteAsync(new byte[Block], new byte[2 * Block]);
        string delta = Path.Combine(Host.Root, "d.avhdx");

        await Assert.ThrowsAsync<InvalidOperationException>(() => LabDifferencingDisk.WriteAsync(currentPath, basePath, delta, LabTestFiles.Sha256(basePath), LabTestFiles.Sha256(currentPath), Block, null, Timeout));

        Assert.False(File.Exists(delta));
    }

    private async Task<(string Base, string Current)> WriteAsync(byte[] baseBytes, byte[] current)
    {
        string basePath = Path.Combine(Host.Root, "base.bin");
        string currentPath = Path.Combine(Host.Root, "current.bin");
        await File.WriteAllBytesAsync(basePath, baseBytes, Timeout);
        await File.WriteAllBytesAsync(currentPath, current, Timeout);
        return (basePath, currentPath);
    }
}
