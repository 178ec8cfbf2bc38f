namespace HvFleet.Hypervisors.Tests.Conformance;

public abstract partial class HypervisorConformanceTests
{
    [Fact]
    public async Task ExportSnapshot_DefaultSettings_WritesHyperVLayoutPerVm()
    {
        string snapshotId = await SnapshotCollectionAsync(SnapshotKind.Recovery);
        string target = Path.Combine(CreateExportRoot(), "export");
        var observer = new RecordingObserver();

        var result = await ExportAsync(snapshotId, target, observer: observer);

        Assert.Equal(target, result.ExportPath);
        Assert.Equal(snapshotId, Assert.Single(result.SnapshotIds));
        foreach (string name in await MemberNamesAsync())
        {
            string vmDir = Path.Combine(target, name);
            Assert.True(Directory.Exists(Path.Combine(vmDir, "Virtual Machines")), $"{name}/Virtual Machines is missing");
            Assert.True(Directory.Exists(Path.Combine(vmDir, "Snapshots")), $"{name}/Snapshots is missing");
            Assert.NotEmpty(FilesUnder(Path.Combine(vmDir, "Virtual Hard Disks")));
        }

        AssertProgressEndsComplete(observer);
        var last = observer.Progress[^1];
        Assert.True(last.BytesTotal > 0 && last.BytesDone == last.BytesTotal, $"progress ended at {last.BytesDone}/{last.BytesTotal} bytes");
    }

    [Fact]
    public async Task ExportSnapshot_WithoutStorage_WritesConfigurationButNoDisks()
    {
        string snapshotId = await SnapshotCollectionAsync();
        string target = Path.Combine(CreateExportRoot(), "export");

        await ExportAsync(snapshotId, target, new ExportOptions(CopyVmStorage: false));

        foreach (string name in await MemberNamesAsync())
        {
            Assert.NotEmpty(FilesUnder(Path.Combine(target, name, "Virtual Machines")));
            Assert.Empty(FilesUnder(Path.Combine(target, name, "Virtual Hard Disks")));
        }
    }

    [Fact]
    public async Task ExportSnapshot_WithoutVmSubdirectory_WritesFoldersAtTheRoot()
    {
        string snapshotId = await SnapshotCollectionAsync();
        string target = Path.Combine(CreateExportRoot(), "export");

        await ExportAsync(snapshotId, target, new ExportOptions(CreateVmExportSubdirectory: false));

        Assert.NotEmpty(FilesUnder(Path.Combine(target, "Virtual Machines")));
        Assert.NotEmpty(FilesUnder(Path.Combine(target, "Virtual Hard Disks")));
        foreach (string name in await MemberNamesAsync())
        {
            Assert.False(Directory.Exists(Path.Combine(target, name)), $"no per-VM folder '{name}' expected");
        }
    }

    [Fact]
    public async Task ExportSnapshot_WithRuntimeInformation_AddsRuntimeStateOfRunningVms()
    {
        var vms = await Hypervisor.ListVirtualMachinesAsync(Timeout);
        var group = Assert.Single(await Hypervisor.ListCollectionsAsync(Timeout), c => c.Id == Sample.CollectionId);
        var running = group.MemberVmIds.Select(id => Assert.Single(vms, v => v.Id == id)).Where(v => v.State == VmState.Running).ToArray();
        Assert.NotEmpty(running);
        string snapshotId = await SnapshotCollectionAsync();
        string root = CreateExportRoot();

        await ExportAsync(snapshotId, Path.Combine(root, "without"), new ExportOptions(CopyVmRuntimeInformation: false));
        await ExportAsync(snapshotId, Path.Combine(root, "with"), new ExportOptions(CopyVmRuntimeInformation: true));

        foreach (var vm in running)
        {
            long without = BytesUnder(Path.Combine(root, "without", vm.Name, "Virtual Machines"));
            long with = BytesUnder(Path.Combine(root, "with", vm.Name, "Virtual Machines"));
            Assert.True(with > without, $"{vm.Name}: runtime information should add saved state ({with} vs {without} bytes)");
        }
    }

    [Theory]
    [InlineData(BackupIntent.PreserveChain)]
    [InlineData(BackupIntent.Merge)]
    public async Task ExportSnapshot_WithBackupIntent_ExportsRecoverySnapshot(BackupIntent intent)
    {
        string snapshotId = await SnapshotCollectionAsync(SnapshotKind.Recovery);
        string target = Path.Combine(CreateExportRoot(), "export");

        var result = await ExportAsync(snapshotId, target, new ExportOptions(BackupIntent: intent));

        Assert.Equal(target, result.ExportPath);
        Assert.NotEmpty(FilesUnder(target));
    }

    [Theory]
    [InlineData(CaptureLiveState.CrashConsistent)]
    [InlineData(CaptureLiveState.SavedState)]
    [InlineData(CaptureLiveState.ApplicationConsistent)]
    public async Task ExportSnapshot_WithCaptureLiveState_ExportsEveryVm(CaptureLiveState capture)
    {
        string snapshotId = await SnapshotCollectionAsync();
        string target = Path.Combine(CreateExportRoot(), "export");

        await ExportAsync(snapshotId, target, new ExportOptions(CaptureLiveState: capture));

        foreach (string name in await MemberNamesAsync())
        {
            Assert.NotEmpty(FilesUnder(Path.Combine(target, name, "Virtual Hard Disks")));
        }
    }

    [Fact]
    public async Task ExportSnapshot_WithDifferentialBase_ExportsAgainstEarlierSnapshot()
    {
        string full = await SnapshotCollectionAsync(SnapshotKind.Recovery);
        string incremental = await SnapshotCollectionAsync(SnapshotKind.Recovery);
        string root = CreateExportRoot();

        await ExportAsync(full, Path.Combine(root, "full"));
        var result = await ExportAsync(incremental, Path.Combine(root, "incremental"), new ExportOptions(DifferentialBackupBase: full));

        Assert.Equal(Path.Combine(root, "incremental"), result.ExportPath);
        foreach (string name in await MemberNamesAsync())
        {
            Assert.NotEmpty(FilesUnder(Path.Combine(root, "incremental", name, "Virtual Machines")));
        }

        Assert.True(BytesUnder(Path.Combine(root, "incremental")) <= BytesUnder(Path.Combine(root, "full")) + (64 * 1024),
            "a differential export is no larger than the full one");
    }

    [Fact]
    public async Task ExportSnapshot_CancelledMidCopy_LeavesNothingBehind()
    {
        string snapshotId = await SnapshotCollectionAsync();
        string root = CreateExportRoot();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Timeout);
        var observer = new RecordingObserver(p =>
        {
            if (p.BytesDone > 0 || p.Percent > 0)
            {
                cancel.Cancel();
                return true;
            }

            return false;
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Hypervisor.ExportSnapshotAsync(
            new ExportRequest(snapshotId, Path.Combine(root, "export"), ExportOptions.Default, Overwrite: false), observer, cancel.Token));

        Assert.Empty(Directory.EnumerateFileSystemEntries(root));
        Assert.Contains(await Hypervisor.ListSnapshotsAsync(SnapshotFilter.All, Timeout), s => s.Id == snapshotId);
    }

    [Fact]
    public async Task ExportSnapshot_NonEmptyTarget_IsRefusedAndLeftUntouched()
    {
        string snapshotId = await SnapshotCollectionAsync();
        string target = Path.Combine(CreateExportRoot(), "export");
        Directory.CreateDirectory(target);
        await File.WriteAllTextAsync(Path.Combine(target, "keep.txt"), "older data", Timeout);

        var ex = await Assert.ThrowsAsync<HypervisorException>(() => ExportAsync(snapshotId, target));

        Assert.Contains(ex.Kind, new[] { HypervisorErrorKind.AlreadyExists, HypervisorErrorKind.InvalidParameter });
        Assert.Equal(new[] { "keep.txt" }, FilesUnder(target));
        Assert.Equal(new[] { "export" }, Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(target)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task ExportSnapshot_NonEmptyTargetWithOverwrite_ReplacesIt()
    {
        string snapshotId = await SnapshotCollectionAsync();
        string target = Path.Combine(CreateExportRoot(), "export");
        Directory.CreateDirectory(target);
        await File.WriteAllTextAsync(Path.Combine(target, "stale.txt"), "older data", Timeout);

        await ExportAsync(snapshotId, target, overwrite: true);

        Assert.False(File.Exists(Path.Combine(target, "stale.txt")));
        Assert.NotEmpty(FilesUnder(target));
        Assert.Equal(new[] { "export" }, Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(target)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task ExportSnapshot_EmptyExistingTarget_IsUsed()
    {
        string snapshotId = await SnapshotCollectionAsync();
        string target = Path.Combine(CreateExportRoot(), "export");
        Directory.CreateDirectory(target);

        await ExportAsync(snapshotId, target);

        Assert.NotEmpty(FilesUnder(target));
    }

    [Fact]
    public async Task ExportSnapshot_VmSnapshot_ExportsThatVmOnly()
    {
        string vmId = Sample.VmIds[0];
        var vm = Assert.Single(await Hypervisor.ListVirtualMachinesAsync(Timeout), v => v.Id == vmId);
        string snapshotId = Assert.Single((await SnapshotAsync(SnapshotTarget.VirtualMachines([vmId]))).SnapshotIds);
        string target = Path.Combine(CreateExportRoot(), "export");

        await ExportAsync(snapshotId, target);

        var folders = Directory.EnumerateDirectories(target).Select(Path.GetFileName).ToArray();
        Assert.Equal(new[] { vm.Name }, folders);
        Assert.NotEmpty(FilesUnder(Path.Combine(target, vm.Name, "Virtual Hard Disks")));
    }
}
