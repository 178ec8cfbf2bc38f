using HvFleet.Hypervisors.Lab;
using HvFleet.Hypervisors.Tests.Conformance;
using HvFleet.Testing;

namespace HvFleet.Hypervisors.Tests.Lab;

/// <summary>Exports hash the bytes they write and compare them with the digests recorded when the snapshot was taken.</summary>
public sealed class LabExportIntegrityTests : LabTestBase
{
    [Theory]
    [InlineData(LabCopyMethod.Auto)]
    [InlineData(LabCopyMethod.Buffered)]
    [InlineData(LabCopyMethod.KernelCopy)]
    public async Task Export_CheckpointDamagedOnDisk_FailsNamingTheFileAndLeavesNothing(LabCopyMethod method)
    {
        var lab = Host.Create(o => o.CopyMethod = method);
        var (snapshotId, damaged) = await SnapshotAndDamageOneDiskAsync(lab);
        string parent = Host.NewExportRoot();
        string target = Path.Combine(parent, "export");

        var ex = await Assert.ThrowsAsync<HypervisorException>(() =>
            lab.ExportSnapshotAsync(new ExportRequest(snapshotId, target, ExportOptions.Default, false), new RecordingObserver(), Timeout));

        Assert.Equal(HypervisorErrorKind.Failed, ex.Kind);
        Assert.Equal(HyperVCodes.MsvmFailed, ex.HyperVCode);
        Assert.Contains($"Virtual Hard Disks/{damaged}", ex.Description, StringComparison.Ordinal);
        Assert.Contains("1 exported file(s) differ", ex.Description, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target), "a damaged checkpoint must not be exported");
        Assert.Empty(Directory.EnumerateFileSystemEntries(parent));
    }

    [Fact]
    public async Task Export_TwoDisksDamaged_NamesEveryDamagedFile()
    {
        var lab = Host.Create();
        var (snapshotId, first) = await SnapshotAndDamageOneDiskAsync(lab);
        var snapshot = (await lab.ReadStateAsync(Timeout)).Snapshots.Single(s => s.Id == snapshotId);
        var other = snapshot.Members.SelectMany(m => m.Disks.Select(d => (m.VmId, d.FileName))).First(d => d.FileName != first);
        Damage(Path.Combine(Host.LabDirectory, "snapshots", snapshotId, other.VmId, other.FileName));
        string target = Path.Combine(Host.NewExportRoot(), "export");

        var ex = await Assert.ThrowsAsync<HypervisorException>(() =>
            lab.ExportSnapshotAsync(new ExportRequest(snapshotId, target, ExportOptions.Default, false), new RecordingObserver(), Timeout));

        Assert.Contains("2 exported file(s) differ", ex.Description, StringComparison.Ordinal);
        Assert.Contains(first, ex.Description, StringComparison.Ordinal);
        Assert.Contains(other.FileName, ex.Description, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task Export_DifferentialWithDamagedBase_FailsNamingTheBase()
    {
        var lab = Host.Create(o => o.GuestIoEnabled = true, new ManualTimeProvider());
        var group = (await lab.ListCollectionsAsync(Timeout)).Single(c => c.Name == "Data tier");
        var full = (await lab.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.Collection(group.Id), SnapshotKind.Recovery, null), new RecordingObserver(), Timeout)).SnapshotIds[0];
        await lab.GuestWriter!.WriteOnceAsync(Timeout);
        var incremental = (await lab.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.Collection(group.Id), SnapshotKind.Recovery, null), new RecordingObserver(), Timeout)).SnapshotIds[0];
        var state = await lab.ReadStateAsync(Timeout);
        var running = state.Vms.First(v => group.MemberVmIds.Contains(v.Id) && v.State == VmState.Running);
        string disk = running.Disks[0].FileName;
        Damage(Path.Combine(Host.LabDirectory, "snapshots", full, running.Id, disk));
        string target = Path.Combine(Host.NewExportRoot(), "incremental");

        var ex = await Assert.ThrowsAsync<HypervisorException>(() =>
            lab.ExportSnapshotAsync(new ExportRequest(incremental, target, new ExportOptions(DifferentialBackupBase: full), false), new RecordingObserver(), Timeout));

        Assert.Contains($"{Path.ChangeExtension(disk, ".avhdx")} (differential base)", ex.Description, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
    }

    private async Task<(string SnapshotId, string DamagedDisk)> SnapshotAndDamageOneDiskAsync(LabHypervisor lab)
    {
        var group = (await lab.ListCollectionsAsync(Timeout)).Single(c => c.Name == "Data tier");
        var snapshotId = (await lab.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.Collection(group.Id), SnapshotKind.Recovery, null), new RecordingObserver(), Timeout)).SnapshotIds[0];
        var member = (await lab.ReadStateAsync(Timeout)).Snapshots.Single(s => s.Id == snapshotId).Members[0];
        string disk = member.Disks[0].FileName;
        Damage(Path.Combine(Host.LabDirectory, "snapshots", snapshotId, member.VmId, disk));
        return (snapshotId, disk);
    }

    /// <summary>Flips one byte in the middle of a file, as bit rot on the checkpoint's storage would.</summary>
    private static void Damage(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = file.Length / 2;
        int b = file.ReadByte();
        file.Position = file.Length / 2;
        file.WriteByte((byte)(b ^ 0xFF));
    }
}
