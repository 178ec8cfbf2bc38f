using HvFleet.Hypervisors.Lab;
using HvFleet.Hypervisors.Lab.State;
using HvFleet.Hypervisors.Tests.Conformance;

namespace HvFleet.Hypervisors.Tests.Lab;

/// <summary>
/// Nothing on a host is deleted because the state file does not mention it: a missing or damaged
/// state refuses the start and changes nothing, the previous version is kept, and start-up cleanup
/// removes only unfinished work of ours.
/// </summary>
public sealed class LabStateSafetyTests : LabTestBase
{
    [Fact]
    public async Task Start_StateFileDeletedWithDisksPresent_RefusesNamingTheFileAndDeletesNothing()
    {
        var paths = await HostWithSnapshotAsync();
        File.Delete(paths.StateFile);
        File.Delete(paths.PreviousStateFile);
        var before = Listing();

        var ex = await Assert.ThrowsAsync<HypervisorStartException>(() => Host.Create().StartAsync(Timeout));

        Assert.Contains(paths.StateFile, ex.Message, StringComparison.Ordinal);
        Assert.Contains("missing", ex.Message, StringComparison.Ordinal);
        Assert.Contains("backup", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Equal(before, Listing());
    }

    [Fact]
    public async Task Start_StateFileDeletedPreviousVersionKept_RefusesNamingThePreviousVersion()
    {
        var paths = await HostWithSnapshotAsync();
        File.Delete(paths.StateFile);
        var before = Listing();

        var ex = await Assert.ThrowsAsync<HypervisorStartException>(() => Host.Create().StartAsync(Timeout));

        Assert.Contains(paths.StateFile, ex.Message, StringComparison.Ordinal);
        Assert.Contains(paths.PreviousStateFile + "' exists and is readable", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, Listing());
    }

    [Fact]
    public async Task Start_DamagedStateFile_RefusesNamingItAndThePreviousVersionAndKeepsBoth()
    {
        var paths = await HostWithSnapshotAsync();
        string previous = await File.ReadAllTextAsync(paths.PreviousStateFile, Timeout);
        string current = await File.ReadAllTextAsync(paths.StateFile, Timeout);
        await File.WriteAllTextAsync(paths.StateFile, current[..(current.Length / 2)], Timeout);
        var before = Listing();

        var ex = await Assert.ThrowsAsync<HypervisorStartException>(() => Host.Create().StartAsync(Timeout));

        Assert.Contains($"'{paths.StateFile}' is damaged", ex.Message, StringComparison.Ordinal);
        Assert.Contains(paths.PreviousStateFile, ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, Listing());
        Assert.Equal(previous, await File.ReadAllTextAsync(paths.PreviousStateFile, Timeout));
    }

    [Fact]
    public async Task Start_StateOfAnotherVersion_RefusesAndDeletesNothing()
    {
        var paths = await HostWithSnapshotAsync();
        var json = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(paths.StateFile, Timeout))!;
        json["version"] = 99;
        await File.WriteAllTextAsync(paths.StateFile, json.ToJsonString(), Timeout);
        var before = Listing();

        var ex = await Assert.ThrowsAsync<HypervisorStartException>(() => Host.Create().StartAsync(Timeout));

        Assert.Contains("version 99", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, Listing());
    }

    [Fact]
    public async Task Save_KeepsThePreviousVersionBesideTheStateFile()
    {
        var lab = Host.Create();
        string vmId = (await lab.ListVirtualMachinesAsync(Timeout))[0].Id;
        await lab.SetVirtualMachineStateAsync(vmId, VmState.Busy, Timeout);
        await lab.SetVirtualMachineStateAsync(vmId, VmState.Saved, Timeout);

        var current = LabStateStore.TryLoad(lab.Paths.StateFile)!;
        var previous = LabStateStore.TryLoad(lab.Paths.PreviousStateFile)!;

        Assert.Equal(VmState.Saved, current.Vms.Single(v => v.Id == vmId).State);
        Assert.Equal(VmState.Busy, previous.Vms.Single(v => v.Id == vmId).State);
        Assert.Empty(Directory.EnumerateFiles(Host.LabDirectory, "*.tmp"));
    }

    [Fact]
    public async Task Start_SnapshotListEmptied_NoCheckpointOrVmFolderDeleted()
    {
        var paths = await HostWithSnapshotAsync();
        var state = LabStateStore.TryLoad(paths.StateFile)!;
        Assert.NotEmpty(state.Snapshots);
        state.Snapshots.Clear();
        await LabStateStore.SaveAsync(paths, state, Timeout);
        var before = Listing().Where(e => !e.Path.StartsWith(LabPaths.StateFileName, StringComparison.Ordinal)).ToList();

        var lab = Host.Create();
        await lab.StartAsync(Timeout);

        Assert.Empty(await lab.ListSnapshotsAsync(SnapshotFilter.All, Timeout));
        Assert.Equal(before, Listing().Where(e => !e.Path.StartsWith(LabPaths.StateFileName, StringComparison.Ordinal)).ToList());
    }

    [Fact]
    public async Task Start_InterruptedDeleteBeforeStateSaved_PutsTheFolderBack()
    {
        var paths = await HostWithSnapshotAsync();
        string id = LabStateStore.TryLoad(paths.StateFile)!.Snapshots[0].Id;
        Directory.Move(paths.SnapshotDirectory(id), paths.SnapshotDeletingDirectory(id));

        var lab = Host.Create();
        var export = await lab.ExportSnapshotAsync(new ExportRequest(id, Path.Combine(Host.NewExportRoot(), "e"), ExportOptions.Default, false), new RecordingObserver(), Timeout);

        Assert.True(Directory.Exists(paths.SnapshotDirectory(id)));
        Assert.False(Directory.Exists(paths.SnapshotDeletingDirectory(id)));
        Assert.True(File.Exists(export.ManifestPath));
    }

    [Fact]
    public async Task Start_InterruptedDeleteAfterStateSaved_FinishesTheDelete()
    {
        var paths = await HostWithSnapshotAsync();
        var state = LabStateStore.TryLoad(paths.StateFile)!;
        string id = state.Snapshots[0].Id;
        state.Snapshots.RemoveAt(0);
        await LabStateStore.SaveAsync(paths, state, Timeout);
        Directory.Move(paths.SnapshotDirectory(id), paths.SnapshotDeletingDirectory(id));

        await Host.Create().StartAsync(Timeout);

        Assert.False(Directory.Exists(paths.SnapshotDeletingDirectory(id)));
        Assert.False(Directory.Exists(paths.SnapshotDirectory(id)));
    }

    [Fact]
    public async Task Delete_Snapshot_RemovesItsFolderAndLeavesNoDeletingFolder()
    {
        var lab = Host.Create();
        var groups = await lab.ListCollectionsAsync(Timeout);
        string id = (await lab.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.Collection(groups[0].Id), SnapshotKind.Standard, null), new RecordingObserver(), Timeout)).SnapshotIds[0];

        await lab.DeleteSnapshotAsync(id, new RecordingObserver(), Timeout);

        Assert.Empty(Directory.EnumerateFileSystemEntries(lab.Paths.SnapshotsRoot));
    }

    [Fact]
    public async Task Start_EmptyLabFolders_SeedsAFreshHost()
    {
        Directory.CreateDirectory(Path.Combine(Host.LabDirectory, "vms"));
        Directory.CreateDirectory(Path.Combine(Host.LabDirectory, "snapshots"));

        var lab = Host.Create();

        Assert.Equal(10, (await lab.ListVirtualMachinesAsync(Timeout)).Count);
        Assert.False(Directory.Exists(lab.Paths.SeedStagingDirectory));
    }

    [Fact]
    public async Task Start_SeedInterruptedWhileWritingDisks_DiscardsItAndSeedsAgain()
    {
        var paths = new LabPaths(Host.LabDirectory);
        string partialDisk = Path.Combine(paths.SeedStagingDirectory, "vms", Guid.NewGuid().ToString("D"), "web-01.vhdx");
        Directory.CreateDirectory(Path.GetDirectoryName(partialDisk)!);
        await File.WriteAllBytesAsync(partialDisk, new byte[100], Timeout);

        var lab = Host.Create();

        Assert.Equal(10, (await lab.ListVirtualMachinesAsync(Timeout)).Count);
        Assert.False(Directory.Exists(paths.SeedStagingDirectory));
    }

    [Fact]
    public async Task Start_SeedInterruptedBetweenItsTwoMoves_FinishesIt()
    {
        var first = Host.Create();
        var vms = await first.ListVirtualMachinesAsync(Timeout);
        await first.DisposeAsync();
        var paths = new LabPaths(Host.LabDirectory);
        Directory.CreateDirectory(paths.SeedStagingDirectory);
        File.Move(paths.StateFile, new LabPaths(paths.SeedStagingDirectory).StateFile);

        var second = Host.Create();

        Assert.Equal(vms.Select(v => v.Id), (await second.ListVirtualMachinesAsync(Timeout)).Select(v => v.Id));
        Assert.True(File.Exists(paths.StateFile));
        Assert.False(Directory.Exists(paths.SeedStagingDirectory));
    }

    /// <summary>A seeded host with one group snapshot (so that the state was saved twice and has a previous version), disposed.</summary>
    private async Task<LabPaths> HostWithSnapshotAsync()
    {
        var lab = Host.Create();
        var groups = await lab.ListCollectionsAsync(Timeout);
        await lab.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.Collection(groups[0].Id), SnapshotKind.Recovery, "kept"), new RecordingObserver(), Timeout);
        await lab.DisposeAsync();
        return new LabPaths(Host.LabDirectory);
    }

    /// <summary>Every file and folder under the lab directory, with the files' sizes and digests.</summary>
    private List<(string Path, string Content)> Listing() =>
        Directory.EnumerateFileSystemEntries(Host.LabDirectory, "*", SearchOption.AllDirectories)
            .Select(e => (Path.GetRelativePath(Host.LabDirectory, e), File.Exists(e) ? LabTestFiles.Sha256(e) : "dir"))
            .OrderBy(e => e.Item1, StringComparer.Ordinal)
            .ToList();
}
