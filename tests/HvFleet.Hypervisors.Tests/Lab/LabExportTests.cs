using HvFleet.Hypervisors.Lab;
using HvFleet.Hypervisors.Lab.Export;
using HvFleet.Hypervisors.Tests.Conformance;
using HvFleet.Testing;

namespace HvFleet.Hypervisors.Tests.Lab;

public sealed class LabExportTests : LabTestBase
{
    [Theory]
    [InlineData(LabCopyMethod.Auto)]
    [InlineData(LabCopyMethod.Buffered)]
    [InlineData(LabCopyMethod.KernelCopy)]
    public async Task Export_EachCopyMethod_ManifestListsEveryFileWithSizeAndDigestOfItsContent(LabCopyMethod method)
    {
        var lab = Host.Create(o => o.CopyMethod = method);
        var (snapshotId, _) = await SnapshotAsync(lab, "Data tier", SnapshotKind.Recovery);
        string target = Path.Combine(Host.NewExportRoot(), "export");

        var result = await lab.ExportSnapshotAsync(new ExportRequest(snapshotId, target, new ExportOptions(CopyVmRuntimeInformation: true), false), new RecordingObserver(), Timeout);

        var manifest = LabTestFiles.ReadManifest(target);
        var onDisk = Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(target, f).Replace('\\', '/'))
            .Where(f => f != LabExportManifest.FileName)
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(onDisk, manifest.Files.Select(f => f.Path));
        foreach (var file in manifest.Files)
        {
            string path = Path.Combine(target, file.Path);
            Assert.Equal(new FileInfo(path).Length, file.Size);
            Assert.Equal(LabTestFiles.Sha256(path), file.Sha256);
        }

        var snapshot = (await lab.ListSnapshotsAsync(SnapshotFilter.All, Timeout)).Single(s => s.Id == snapshotId);
        Assert.Equal(LabExportManifest.CurrentFormat, manifest.Format);
        Assert.Equal(snapshotId, manifest.SnapshotId);
        Assert.Equal(SnapshotKind.Recovery, manifest.SnapshotType);
        Assert.Equal(snapshot.CreatedAt, manifest.SnapshotCreatedAt);
        Assert.Equal(manifest.Files.Sum(f => f.Size), manifest.TotalBytes);
        Assert.Equal(manifest.Files.Count, result.Files);
        Assert.Equal(Path.Combine(target, LabExportManifest.FileName), result.ManifestPath);
    }

    [Fact]
    public async Task Export_Layout_ConfigurationsDescribeVmAndSnapshotAndPointAtExportedDisks()
    {
        var lab = Host.Create();
        var (snapshotId, group) = await SnapshotAsync(lab, "Web tier", SnapshotKind.Recovery);
        string target = Path.Combine(Host.NewExportRoot(), "export");

        await lab.ExportSnapshotAsync(new ExportRequest(snapshotId, target, ExportOptions.Default, false), new RecordingObserver(), Timeout);

        var snapshot = (await lab.ListSnapshotsAsync(SnapshotFilter.All, Timeout)).Single(s => s.Id == snapshotId);
        Assert.Equal(group.MemberVmIds.Count, snapshot.Members.Count);
        foreach (var member in snapshot.Members)
        {
            string vmDir = Path.Combine(target, member.VmName);
            var vmConfig = LabTestFiles.ReadConfiguration(Path.Combine(vmDir, "Virtual Machines", member.VmId + ".json"));
            var snapConfig = LabTestFiles.ReadConfiguration(Path.Combine(vmDir, "Snapshots", member.SnapshotId + ".json"));
            Assert.Equal("Microsoft:Hyper-V:System:Realized", vmConfig.VirtualSystemType);
            Assert.Equal("Microsoft:Hyper-V:Snapshot:Recovery", snapConfig.VirtualSystemType);
            Assert.Equal(member.VmId, vmConfig.VirtualSystemIdentifier);
            Assert.Equal(snapshot.Name, snapConfig.ElementName);
            Assert.Equal(snapshotId, snapConfig.CollectionSnapshotId);
            Assert.NotEmpty(vmConfig.Disks);
            Assert.All(vmConfig.Disks, d =>
            {
                string disk = Path.Combine(vmDir, d.Path);
                Assert.True(File.Exists(disk), $"{d.Path} is referenced but missing");
                Assert.Equal(d.Sha256, LabTestFiles.Sha256(disk));
            });
        }
    }

    [Fact]
    public async Task Export_WithoutStorage_ConfigurationPointsAtHostDisks()
    {
        var lab = Host.Create();
        var (snapshotId, _) = await SnapshotAsync(lab, "Web tier", SnapshotKind.Standard);
        string target = Path.Combine(Host.NewExportRoot(), "export");

        await lab.ExportSnapshotAsync(new ExportRequest(snapshotId, target, new ExportOptions(CopyVmStorage: false), false), new RecordingObserver(), Timeout);

        var manifest = LabTestFiles.ReadManifest(target);
        Assert.DoesNotContain(manifest.Files, f => f.Path.Contains("Virtual Hard Disks", StringComparison.Ordinal));
        var vm = manifest.Vms[0];
        var config = LabTestFiles.ReadConfiguration(Path.Combine(target, vm.Directory, "Virtual Machines", vm.VmId + ".json"));
        Assert.All(config.Disks, d => Assert.StartsWith(Host.LabDirectory, d.Path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Export_DifferentialBase_WritesChangedBlocksOnlyAndRebuildsTheSnapshotDisks()
    {
        // Guest I/O on a clock that never moves: the test writes one round itself.
        var lab = Host.Create(o => o.GuestIoEnabled = true, new ManualTimeProvider());
        var (full, group) = await SnapshotAsync(lab, "Data tier", SnapshotKind.Recovery);
        string root = Host.NewExportRoot();
        string fullTarget = Path.Combine(root, "full");
        await lab.ExportSnapshotAsync(new ExportRequest(full, fullTarget, ExportOptions.Default, false), new RecordingObserver(), Timeout);

        // One round of guest writes changes one block of each running VM's disks; the VM that is off keeps its disk.
        await lab.GuestWriter!.WriteOnceAsync(Timeout);
        var (incremental, _) = await SnapshotAsync(lab, "Data tier", SnapshotKind.Recovery);
        string target = Path.Combine(root, "incremental");

        await lab.ExportSnapshotAsync(new ExportRequest(incremental, target, new ExportOptions(DifferentialBackupBase: full), false), new RecordingObserver(), Timeout);

        var manifest = LabTestFiles.ReadManifest(target);
        var state = await lab.ReadStateAsync(Timeout);
        var record = state.Snapshots.Single(s => s.Id == incremental);
        Assert.Equal(full, manifest.DifferentialBackupBase);
        foreach (string vmId in group.MemberVmIds)
        {
            var vm = state.Vms.Single(v => v.Id == vmId);
            var manifestVm = manifest.Vms.Single(v => v.VmId == vmId);
            var config = LabTestFiles.ReadConfiguration(Path.Combine(target, manifestVm.Directory, "Virtual Machines", vmId + ".json"));
            foreach (var disk in vm.Disks)
            {
                string delta = $"{vm.Name}/Virtual Hard Disks/{Path.ChangeExtension(disk.FileName, ".avhdx")}";
                var configDisk = config.Disks.Single(d => d.Path.StartsWith($"Virtual Hard Disks/{Path.GetFileNameWithoutExtension(disk.FileName)}.", StringComparison.Ordinal));
                Assert.DoesNotContain(manifest.Files, f => f.Path == $"{vm.Name}/Virtual Hard Disks/{disk.FileName}");
                if (vm.State != VmState.Running)
                {
                    Assert.Contains(disk.FileName, manifestVm.UnchangedDisks);
                    Assert.True(configDisk.InDifferentialBase);
                    Assert.DoesNotContain(manifest.Files, f => f.Path == delta);
                    continue;
                }

                var file = manifest.Files.Single(f => f.Path == delta);
                Assert.Contains(disk.FileName, manifestVm.DifferencingDisks);
                Assert.True(file.Size < disk.SizeBytes / 2, $"{delta} holds {file.Size} bytes of a {disk.SizeBytes}-byte disk");
                Assert.Equal(LabTestFiles.Sha256(Path.Combine(target, delta)), file.Sha256);

                // Base disk (from the full export) + differencing disk = the disk the incremental snapshot holds.
                string rebuilt = Path.Combine(root, "rebuilt-" + disk.FileName);
                await LabDifferencingDisk.ApplyAsync(Path.Combine(fullTarget, vm.Name, "Virtual Hard Disks", disk.FileName), Path.Combine(target, delta), rebuilt, Timeout);
                string expected = record.Members.Single(m => m.VmId == vmId).Disks.Single(d => d.FileName == disk.FileName).Sha256!;
                Assert.Equal(expected, LabTestFiles.Sha256(rebuilt));
                Assert.Equal(expected, configDisk.Sha256);
                Assert.NotNull(configDisk.ParentSha256);
                Assert.NotEqual(expected, configDisk.ParentSha256);
            }
        }
    }

    [Fact]
    public async Task Export_InjectedFailure_LeavesNothingBehind()
    {
        var lab = Host.Create();
        var (snapshotId, _) = await SnapshotAsync(lab, "Data tier", SnapshotKind.Standard);
        string root = Host.NewExportRoot();
        lab.FailNext(1, BackendOperationKind.ExportSnapshot);

        var ex = await Assert.ThrowsAsync<HypervisorException>(() =>
            lab.ExportSnapshotAsync(new ExportRequest(snapshotId, Path.Combine(root, "a", "b", "export"), ExportOptions.Default, false), new RecordingObserver(), Timeout));

        Assert.Equal(HyperVCodes.MsvmFailed, ex.HyperVCode);
        Assert.Empty(Directory.EnumerateFileSystemEntries(root));
    }

    [Fact]
    public async Task Export_OverwriteThatFails_KeepsTheOldExport()
    {
        var lab = Host.Create();
        var (snapshotId, _) = await SnapshotAsync(lab, "Web tier", SnapshotKind.Standard);
        string root = Host.NewExportRoot();
        string target = Path.Combine(root, "export");
        Directory.CreateDirectory(target);
        await File.WriteAllTextAsync(Path.Combine(target, "previous.txt"), "previous export", Timeout);
        lab.FailNext(1, BackendOperationKind.ExportSnapshot);

        await Assert.ThrowsAsync<HypervisorException>(() =>
            lab.ExportSnapshotAsync(new ExportRequest(snapshotId, target, ExportOptions.Default, Overwrite: true), new RecordingObserver(), Timeout));

        Assert.Equal("previous export", await File.ReadAllTextAsync(Path.Combine(target, "previous.txt"), Timeout));
        Assert.Equal(new[] { "export" }, Directory.EnumerateFileSystemEntries(root).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Export_Running_SnapshotAndDifferentialBaseAreInUseUntilItEnds()
    {
        var time = new ManualTimeProvider();
        var lab = Host.Create(o => o.OperationFaults[BackendOperationKind.ExportSnapshot] = new LabFaultOptions { Delay = TimeSpan.FromMinutes(5) }, time);
        var (full, _) = await SnapshotAsync(lab, "Web tier", SnapshotKind.Recovery);
        var (incremental, _) = await SnapshotAsync(lab, "Web tier", SnapshotKind.Recovery);
        string target = Path.Combine(Host.NewExportRoot(), "export");

        var export = lab.ExportSnapshotAsync(new ExportRequest(incremental, target, new ExportOptions(DifferentialBackupBase: full), false), new RecordingObserver(), Timeout);
        await time.WaitForTimersAsync(1, Timeout);

        var onSnapshot = await Assert.ThrowsAsync<HypervisorException>(() => lab.DeleteSnapshotAsync(incremental, new RecordingObserver(), Timeout));
        var onBase = await Assert.ThrowsAsync<HypervisorException>(() => lab.DeleteSnapshotAsync(full, new RecordingObserver(), Timeout));
        Assert.Equal(HyperVCodes.MsvmSystemInUse, onSnapshot.HyperVCode);
        Assert.Equal(HypervisorErrorKind.InUse, onBase.Kind);
        Assert.False(export.IsCompleted);

        time.Advance(TimeSpan.FromMinutes(5));
        await export;
        await lab.DeleteSnapshotAsync(full, new RecordingObserver(), Timeout);
        await lab.DeleteSnapshotAsync(incremental, new RecordingObserver(), Timeout);
        Assert.Empty(await lab.ListSnapshotsAsync(SnapshotFilter.All, Timeout));
    }

    [Fact]
    public async Task Export_Progress_ReportsCopiedBytesPerChunk()
    {
        var lab = Host.Create();
        var (snapshotId, _) = await SnapshotAsync(lab, "Build farm", SnapshotKind.Standard);
        var observer = new RecordingObserver();

        var result = await lab.ExportSnapshotAsync(new ExportRequest(snapshotId, Path.Combine(Host.NewExportRoot(), "e"), ExportOptions.Default, false), observer, Timeout);

        var progress = observer.Progress;
        long diskBytes = LabTestFiles.ReadManifest(result.ExportPath!).Files.Where(f => f.Path.Contains("Virtual Hard Disks", StringComparison.Ordinal)).Sum(f => f.Size);
        Assert.Equal(diskBytes, progress[^1].BytesDone);
        Assert.All(progress, p => Assert.Equal(diskBytes, p.BytesTotal));

        // 256 KiB disks in 64 KiB chunks: four reports per disk, none per 4 KiB.
        int disks = (int)(diskBytes / (256 * 1024));
        int copying = progress.Count(p => p.StatusText?.StartsWith("Copying", StringComparison.Ordinal) == true);
        Assert.Equal(disks * 4, copying);
    }

    [Fact]
    public async Task Export_FileAsTarget_IsRefused()
    {
        var lab = Host.Create();
        var (snapshotId, _) = await SnapshotAsync(lab, "Web tier", SnapshotKind.Standard);
        string target = Path.Combine(Host.NewExportRoot(), "export");
        await File.WriteAllTextAsync(target, "a file", Timeout);

        var ex = await Assert.ThrowsAsync<HypervisorException>(() =>
            lab.ExportSnapshotAsync(new ExportRequest(snapshotId, target, ExportOptions.Default, Overwrite: true), new RecordingObserver(), Timeout));

        Assert.Equal(HyperVCodes.MsvmInvalidParameter, ex.HyperVCode);
        Assert.Equal("a file", await File.ReadAllTextAsync(target, Timeout));
    }

    [Fact]
    public async Task Export_DifferentialWithoutStorage_IsInvalidParameter()
    {
        var lab = Host.Create();
        var (full, _) = await SnapshotAsync(lab, "Web tier", SnapshotKind.Recovery);
        var (incremental, _) = await SnapshotAsync(lab, "Web tier", SnapshotKind.Recovery);

        var ex = await Assert.ThrowsAsync<HypervisorException>(() => lab.ExportSnapshotAsync(
            new ExportRequest(incremental, Path.Combine(Host.NewExportRoot(), "e"), new ExportOptions(CopyVmStorage: false, DifferentialBackupBase: full), false),
            new RecordingObserver(),
            Timeout));

        Assert.Equal(HyperVCodes.MsvmInvalidParameter, ex.HyperVCode);
        Assert.Contains("CopyVmStorage", ex.Description, StringComparison.Ordinal);
    }

    private async Task<(string SnapshotId, VmCollectionInfo Group)> SnapshotAsync(LabHypervisor lab, string groupName, SnapshotKind kind)
    {
        var group = (await lab.ListCollectionsAsync(Timeout)).Single(c => c.Name == groupName);
        var result = await lab.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.Collection(group.Id), kind, null), new RecordingObserver(), Timeout);
        return (result.SnapshotIds[0], group);
    }
}
