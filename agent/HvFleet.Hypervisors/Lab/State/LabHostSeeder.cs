namespace HvFleet.Hypervisors.Lab.State;

/// <summary>
/// Creates a sample host in an empty lab directory: VM groups of a few VMs each, plus one VM in
/// no group, with disks full of pseudo-random (non-zero) content.
/// </summary>
internal static class LabHostSeeder
{
    private static readonly string[] GroupNames = ["Web tier", "Data tier", "Build farm", "Directory", "Monitoring", "Mail"];
    private static readonly string[] VmPrefixes = ["web", "sql", "build", "dc", "mon", "mail"];

    /// <summary>
    /// Seeds a sample host into a fresh lab directory, all or nothing: the host is built in
    /// <see cref="LabPaths.SeedStagingDirectory"/>, then vms/ and last the state file are moved
    /// into place (<see cref="LabHostOpener"/> finishes or discards a seed a crash interrupted).
    /// </summary>
    public static async Task<LabHostState> SeedFreshAsync(LabPaths paths, LabHypervisorOptions options, string hostName, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var staged = new LabPaths(paths.SeedStagingDirectory);
        Directory.CreateDirectory(staged.VmsRoot);
        var state = await SeedAsync(staged, options, hostName, now, cancellationToken);
        await LabStateStore.SaveAsync(staged, state, cancellationToken);

        // A fresh directory may hold an empty vms/ (never anything in it: the opener checked).
        if (Directory.Exists(paths.VmsRoot))
        {
            Directory.Delete(paths.VmsRoot);
        }

        Directory.Move(staged.VmsRoot, paths.VmsRoot);
        File.Move(staged.StateFile, paths.StateFile);
        LabDirectorySync.Flush(paths.Root);
        Directory.Delete(staged.Root, recursive: true);
        return state;
    }

    private static async Task<LabHostState> SeedAsync(LabPaths paths, LabHypervisorOptions options, string hostName, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var random = options.SeedRandomSeed is int seed ? new Random(seed) : new Random();
        var state = new LabHostState { HostName = hostName, CreatedAt = now };
        int spread = options.SeedMaxVmsPerCollection - options.SeedMinVmsPerCollection + 1;
        for (int g = 0; g < options.SeedCollections; g++)
        {
            string prefix = g < VmPrefixes.Length ? VmPrefixes[g] : "grp" + (g + 1);
            var group = new LabCollectionRecord
            {
                Id = NewId(random),
                Name = g < GroupNames.Length ? GroupNames[g] : "Group " + (g + 1),
                Kind = CollectionKind.VmCollection,
            };

            // Group sizes walk through [min, max] so that a default host has groups of 2, 3 and 4.
            int size = options.SeedMinVmsPerCollection + (g % spread);
            for (int v = 0; v < size; v++)
            {
                // The last VM of every group but the first is off: hosts mix running and stopped VMs.
                var vmState = g > 0 && v == size - 1 ? VmState.Off : VmState.Running;

                // Every other VM has a second (data) disk: snapshots must capture all disks.
                int disks = 1 + (v % 2);
                var vm = await CreateVmAsync(paths, options, random, $"{prefix}-{v + 1:00}", vmState, disks, now, cancellationToken);
                state.Vms.Add(vm);
                group.MemberVmIds.Add(vm.Id);
            }

            state.Collections.Add(group);
        }

        state.Vms.Add(await CreateVmAsync(paths, options, random, "standalone-01", VmState.Off, 1, now, cancellationToken));
        return state;
    }

    private static async Task<LabVmRecord> CreateVmAsync(LabPaths paths, LabHypervisorOptions options, Random random, string name, VmState vmState, int diskCount, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var vm = new LabVmRecord
        {
            Id = NewId(random),
            Name = name,
            State = vmState,
            ProcessorCount = 2,
            MemoryMiB = 2048,
            Generation = 2,
            CreatedAt = now,
        };
        Directory.CreateDirectory(paths.VmDirectory(vm.Id));
        for (int d = 0; d < diskCount; d++)
        {
            var disk = new LabDiskRecord
            {
                FileName = d == 0 ? name + ".vhdx" : $"{name}_data{d}.vhdx",
                Controller = $"SCSI 0:{d}",
                SizeBytes = options.SeedDiskSizeBytes,
            };
            await WriteRandomFileAsync(paths.VmDisk(vm.Id, disk.FileName), disk.SizeBytes, random, cancellationToken);
            vm.Disks.Add(disk);
        }

        return vm;
    }

    private static async Task WriteRandomFileAsync(string path, long size, Random random, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[(int)Math.Min(size, 1024 * 1024)];
        using var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, size);
        long offset = 0;
        while (offset < size)
        {
            int n = (int)Math.Min(buffer.Length, size - offset);
            random.NextBytes(buffer.AsSpan(0, n));
            await RandomAccess.WriteAsync(handle, buffer.AsMemory(0, n), offset, cancellationToken);
            offset += n;
        }
    }

    private static string NewId(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);

        // Version 4 / RFC 4122 variant bits, so ids look like any other GUID.
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString("D").ToUpperInvariant();
    }
}
