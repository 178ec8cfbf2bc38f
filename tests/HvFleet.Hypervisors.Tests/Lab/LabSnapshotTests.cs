using HvFleet.Hypervisors.Lab;
using HvFleet.Hypervisors.Tests.Conformance;
using HvFleet.Testing;

namespace HvFleet.Hypervisors.Tests.Lab;

public sealed class LabSnapshotTests : LabTestBase
{
    [Fact]
    public async Task CreateSnapshot_GuestKeepsWriting_SnapshotAndExportHoldTheMomentOfTheSnapshot()
    {
        // Time is manual: the guest writes only when the test advances it, so the disks' content at
        // the snapshot is known exactly.
        var time = new ManualTimeProvider();
        var lab = Host.Create(o => o.GuestIoEnabled = true, time);
        var group = (await lab.ListCollectionsAsync(Timeout)).Single(c => c.Name == "Web tier");
        await lab.StartAsync(Timeout);
        await time.WaitForTimersAsync(1, Timeout);
        var state = await lab.ReadStateAsync(Timeout);
        int perTick = state.Vms.Where(v => v.State == VmState.Running).Sum(v => v.Disks.Count);
        time.Advance(TimeSpan.FromMilliseconds(5));
        await lab.GuestWriter!.WaitForWritesAsync(perTick, Timeout);
        var diskPaths = await LiveDisksAsync(lab, group.MemberVmIds);
        var atSnapshot = diskPaths.ToDictionary(d => d.Key, d => LabTestFiles.Sha256(d.Value));

        string snapshotId = (await lab.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.Collection(group.Id), SnapshotKind.Recovery, null), new RecordingObserver(), Timeout)).SnapshotIds[0];

        // The guest writes on: every disk changes after the snapshot.
        long before = lab.GuestWriter.Writes;
        for (int tick = 0; tick < 3; tick++)
        {
            time.Advance(TimeSpan.FromMilliseconds(5));
            await lab.GuestWriter.WaitForWritesAsync(before + ((tick + 1) * perTick), Timeout);
        }

        foreach (var (key, path) in diskPaths)
        {
            Assert.NotEqual(atSnapshot[key], LabTestFiles.Sha256(path));
        }

        var record = (await lab.ReadStateAsync(Timeout)).Snapshots.Single(s => s.Id == snapshotId);
        foreach (var member in record.Members)
        {
            foreach (var disk in member.Disks)
            {
                Assert.Equal(atSnapshot[(member.VmId, disk.FileName)], disk.Sha256);
            }
        }

        string target = Path.Combine(Host.NewExportRoot(), "export");
        await lab.ExportSnapshotAsync(new ExportRequest(snapshotId, target, ExportOptions.Default, false), new RecordingObserver(), Timeout);
        var manifest = LabTestFiles.ReadManifest(target);
        foreach (var member in record.Members)
        {
            foreach (var disk in member.Disks)
            {
                string relative = $"{member.VmName}/Virtual Hard Disks/{disk.FileName}";
                Assert.Equal(atSnapshot[(member.VmId, disk.FileName)], manifest.Files.Single(f => f.Path == relative).Sha256);
                Assert.Equal(atSnapshot[(member.VmId, disk.FileName)], LabTestFiles.Sha256(Path.Combine(target, relative)));
            }
        }
    }

    [Fact]
    public async Task CreateSnapshot_GuestWritingInRealTime_RecordedDigestsMatchTheCapturedFiles()
    {
        var lab = Host.Create(o =>
        {
            o.GuestIoEnabled = true;
            o.GuestIoInterval = TimeSpan.FromMilliseconds(1);
        });
        var group = (await lab.ListCollectionsAsync(Timeout)).Single(c => c.Name == "Build farm");
        await lab.StartAsync(Timeout);
        await lab.GuestWriter!.WaitForWritesAsync(10, Timeout);

        var ids = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            ids.AddRange((await lab.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.Collection(group.Id), SnapshotKind.Standard, null), new RecordingObserver(), Timeout)).SnapshotIds);

            // Let the guest write a full round between two snapshots.
            await lab.GuestWriter.WaitForWritesAsync(lab.GuestWriter.Writes + 20, Timeout);
        }

        var state = await lab.ReadStateAsync(Timeout);
        var digests = new HashSet<string>();
        foreach (var snapshot in state.Snapshots.Where(s => ids.Contains(s.Id)))
        {
            foreach (var member in snapshot.Members)
            {
                foreach (var disk in member.Disks)
                {
                    string file = Path.Combine(LabPaths.MemberDirectory(lab.Paths.SnapshotDirectory(snapshot.Id), member.VmId), disk.FileName);
                    Assert.Equal(disk.Sha256, LabTestFiles.Sha256(file));
                    digests.Add(disk.Sha256!);
                }
            }
        }

        // Running VMs' disks changed between the snapshots, so they hold different moments.
        Assert.True(digests.Count > state.Snapshots.First().Members.Sum(m => m.Disks.Count), "successive snapshots should capture different content");
    }

    [Fact]
    public async Task CreateSnapshot_LiveDiskChangesAfterwards_SnapshotFileIsACopyNotALink()
    {
        var lab = Host.Create();
        var vm = (await lab.ReadStateAsync(Timeout)).Vms[0];
        string live = lab.Paths.VmDisk(vm.Id, vm.Disks[0].FileName);
        string snapshotId = (await lab.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.VirtualMachines([vm.Id]), SnapshotKind.Standard, null), new RecordingObserver(), Timeout)).SnapshotIds[0];
        string frozen = Path.Combine(LabPaths.MemberDirectory(lab.Paths.SnapshotDirectory(snapshotId), vm.Id), vm.Disks[0].FileName);
        string frozenHash = LabTestFiles.Sha256(frozen);

        await using (var stream = new FileStream(live, FileMode.Open, FileAccess.Write))
        {
            await stream.WriteAsync(new byte[4096], Timeout);
        }

        Assert.NotEqual(frozenHash, LabTestFiles.Sha256(live));
        Assert.Equal(frozenHash, LabTestFiles.Sha256(frozen));
    }

    [Fact]
    public async Task CreateSnapshot_DefaultNames_FollowHyperVAndMarkRecoveryCheckpoints()
    {
        var lab = Host.Create();
        var group = (await lab.ListCollectionsAsync(Timeout))[0];

        string standard = (await lab.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.Collection(group.Id), SnapshotKind.Standard, null), new RecordingObserver(), Timeout)).SnapshotIds[0];
        string recovery = (await lab.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.Collection(group.Id), SnapshotKind.Recovery, "  "), new RecordingObserver(), Timeout)).SnapshotIds[0];

        var snapshots = await lab.ListSnapshotsAsync(SnapshotFilter.All, Timeout);
        string standardName = snapshots.Single(s => s.Id == standard).Name;
        string recoveryName = snapshots.Single(s => s.Id == recovery).Name;
        Assert.StartsWith(group.Name + " - (", standardName, StringComparison.Ordinal);
        Assert.DoesNotContain("Recovery", standardName, StringComparison.Ordinal);
        Assert.StartsWith(group.Name + " - Recovery checkpoint - (", recoveryName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateSnapshot_Progress_CountsEveryDiskByte()
    {
        var lab = Host.Create();
        var state = await lab.ReadStateAsync(Timeout);
        var group = state.Collections.Single(c => c.Name == "Data tier");
        long expected = state.Vms.Where(v => group.MemberVmIds.Contains(v.Id)).Sum(v => v.Disks.Sum(d => d.SizeBytes));
        var observer = new RecordingObserver();

        var result = await lab.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.Collection(group.Id), SnapshotKind.Standard, null), observer, Timeout);

        Assert.Equal(expected, result.Bytes);
        Assert.All(observer.Progress, p => Assert.Equal(expected, p.BytesTotal));
        Assert.Equal(expected, observer.Progress[^1].BytesDone);
        Assert.True(observer.Progress.Count > 4, "progress is reported per copied chunk");
    }

    [Fact]
    public async Task CreateSnapshot_RunningAndOffVms_OnlyRunningOnesCarryRuntimeState()
    {
        var lab = Host.Create();
        var group = (await lab.ListCollectionsAsync(Timeout)).Single(c => c.Name == "Data tier");

        string id = (await lab.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.Collection(group.Id), SnapshotKind.Standard, null), new RecordingObserver(), Timeout)).SnapshotIds[0];

        var record = (await lab.ReadStateAsync(Timeout)).Snapshots.Single(s => s.Id == id);
        Assert.All(record.Members, m => Assert.Equal(m.StateAtSnapshot == VmState.Running, m.HasRuntimeState));
        Assert.Contains(record.Members, m => m.StateAtSnapshot == VmState.Off);
    }

    [Fact]
    public async Task CreateSnapshot_ConcurrentOverlappingVmSets_AllCompleteWithoutDeadlock()
    {
        var lab = Host.Create(o =>
        {
            o.GuestIoEnabled = true;
            o.GuestIoInterval = TimeSpan.FromMilliseconds(2);
        });
        var group = (await lab.ListCollectionsAsync(Timeout)).Single(c => c.Name == "Build farm");
        var ids = group.MemberVmIds;
        await lab.GuestWriter!.WaitForWritesAsync(1, Timeout);

        // Lock order is by VM id whatever the order asked for, so these cannot deadlock.
        var requests = new[]
        {
            SnapshotTarget.VirtualMachines([ids[0], ids[1], ids[2]]),
            SnapshotTarget.VirtualMachines([ids[2], ids[1], ids[0]]),
            SnapshotTarget.VirtualMachines([ids[3], ids[0]]),
            SnapshotTarget.Collection(group.Id),
            SnapshotTarget.VirtualMachines([ids[1], ids[3]]),
        };
        var results = await Task.WhenAll(requests.Select(target => Task.Run(() =>
            lab.CreateSnapshotAsync(new SnapshotRequest(target, SnapshotKind.Standard, null), new RecordingObserver(), Timeout))));

        Assert.Equal(3 + 3 + 2 + 1 + 2, results.Sum(r => r.SnapshotIds.Count));
        Assert.Equal(11, (await lab.ListSnapshotsAsync(SnapshotFilter.All, Timeout)).Count);
    }

    private static async Task<Dictionary<(string VmId, string File), string>> LiveDisksAsync(LabHypervisor lab, IEnumerable<string> vmIds)
    {
        var state = await lab.ReadStateAsync(CancellationToken.None);
        return state.Vms.Where(v => vmIds.Contains(v.Id))
            .SelectMany(v => v.Disks.Select(d => (Key: (v.Id, d.FileName), Path: lab.Paths.VmDisk(v.Id, d.FileName))))
            .ToDictionary(x => x.Key, x => x.Path);
    }
}
