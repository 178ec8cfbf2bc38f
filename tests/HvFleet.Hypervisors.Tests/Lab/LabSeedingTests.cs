using System.Text.Json;
using HvFleet.Hypervisors.Lab;
using HvFleet.Hypervisors.Tests.Conformance;

namespace HvFleet.Hypervisors.Tests.Lab;

public sealed class LabSeedingTests : LabTestBase
{
    [Fact]
    public async Task Start_EmptyDirectory_SeedsThreeGroupsOfTwoToFourVmsAndOneLoneVm()
    {
        var lab = Host.Create();

        var groups = await lab.ListCollectionsAsync(Timeout);
        var vms = await lab.ListVirtualMachinesAsync(Timeout);

        Assert.Equal(new[] { 2, 3, 4 }, groups.Select(g => g.MemberVmIds.Count));
        Assert.Equal(10, vms.Count);
        Assert.Single(vms, v => v.CollectionIds.Count == 0);
        Assert.Contains(vms, v => v.State == VmState.Running && v.EnabledState == 2);
        Assert.Contains(vms, v => v.State == VmState.Off && v.EnabledState == 3);
        Assert.All(vms, v => Assert.True(Guid.TryParse(v.Id, out _)));
        Assert.True(File.Exists(Path.Combine(Host.LabDirectory, LabPaths.StateFileName)));
    }

    [Fact]
    public async Task Start_EmptyDirectory_WritesDistinctNonZeroDisksOfTheConfiguredSize()
    {
        var lab = Host.Create();

        var state = await lab.ReadStateAsync(Timeout);

        var hashes = new HashSet<string>();
        Assert.Contains(state.Vms, vm => vm.Disks.Count > 1);
        foreach (var vm in state.Vms)
        {
            foreach (var disk in vm.Disks)
            {
                byte[] bytes = await File.ReadAllBytesAsync(lab.Paths.VmDisk(vm.Id, disk.FileName), Timeout);
                Assert.Equal(256 * 1024, bytes.Length);
                Assert.True(bytes.Count(b => b != 0) > bytes.Length / 2, $"{disk.FileName} is mostly zeros");
                Assert.True(hashes.Add(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes))), $"{disk.FileName} repeats another disk");
            }
        }
    }

    [Fact]
    public async Task Start_CustomSeedOptions_AreRespected()
    {
        var lab = Host.Create(o =>
        {
            o.SeedCollections = 2;
            o.SeedMinVmsPerCollection = 3;
            o.SeedMaxVmsPerCollection = 3;
            o.SeedDiskSizeBytes = 8192;
            o.GuestIoBlockSize = 4096;
        });

        var groups = await lab.ListCollectionsAsync(Timeout);
        var state = await lab.ReadStateAsync(Timeout);

        Assert.Equal(new[] { 3, 3 }, groups.Select(g => g.MemberVmIds.Count));
        Assert.All(state.Vms.SelectMany(v => v.Disks), d => Assert.Equal(8192, d.SizeBytes));
    }

    [Fact]
    public async Task Start_ForeignNonEmptyDirectory_RefusesToSeed()
    {
        Directory.CreateDirectory(Host.LabDirectory);
        await File.WriteAllTextAsync(Path.Combine(Host.LabDirectory, "notes.txt"), "not a lab", Timeout);
        var lab = Host.Create();

        var ex = await Assert.ThrowsAsync<HypervisorStartException>(() => lab.ListVirtualMachinesAsync(Timeout));

        Assert.Contains("notes.txt", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Host.LabDirectory, "vms")));
    }

    [Fact]
    public async Task GetInfo_Lab_ReportsLabKindAndCapabilities()
    {
        var lab = Host.Create();

        var info = await lab.GetInfoAsync(Timeout);

        Assert.Equal(HypervisorKind.Lab, info.Kind);
        Assert.Contains("snapshot.recovery", info.Capabilities);
        Assert.Contains("export.differential", info.Capabilities);
    }

    [Fact]
    public async Task Resume_AnyJob_ReturnsNull()
    {
        var lab = Host.Create();

        var result = await lab.ResumeAsync(new BackendJobReference("job-1", BackendOperationKind.ExportSnapshot, null), new RecordingObserver(), Timeout);

        Assert.Null(result);
    }

    [Fact]
    public async Task StateFile_AfterSeeding_IsValidJsonWithStringEnums()
    {
        var lab = Host.Create();
        await lab.StartAsync(Timeout);

        using var doc = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(Host.LabDirectory, LabPaths.StateFileName), Timeout));

        Assert.Equal(1, doc.RootElement.GetProperty("version").GetInt32());
        Assert.Equal("Running", doc.RootElement.GetProperty("vms")[0].GetProperty("state").GetString());
        Assert.Empty(Directory.EnumerateFiles(Host.LabDirectory, "*.tmp"));
    }
}
