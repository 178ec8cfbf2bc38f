using HvFleet.Hypervisors.HyperV.Wmi;
using HvFleet.Hypervisors.Tests.Conformance;
using HvFleet.Hypervisors.Tests.HyperV.Emulator;

namespace HvFleet.Hypervisors.Tests.HyperV;

/// <summary>One or more tests per docs-versus-code discrepancy of reference hyperv-wmi.md §8.</summary>
public sealed class HyperVDiscrepancyTests : HyperVScenario
{
    // §8.1 Recovery snapshot type: 2 for a group, 32768 for a VM; "Full" is 2 for a VM.

    [Theory]
    [InlineData(SnapshotKind.Standard, (ushort)1)]
    [InlineData(SnapshotKind.Recovery, (ushort)2)]
    public async Task D1_GroupSnapshot_UsesCollectionNumbering(SnapshotKind kind, ushort expected)
    {
        await SnapshotGroupAsync("db", kind);

        Assert.Equal(expected, LastCall("Msvm_CollectionSnapshotService", "CreateSnapshot").In["SnapshotType"]);
    }

    [Theory]
    [InlineData(SnapshotKind.Standard, (ushort)2)]
    [InlineData(SnapshotKind.Recovery, (ushort)32768)]
    public async Task D1_VmSnapshot_UsesPerVmNumbering(SnapshotKind kind, ushort expected)
    {
        var id = await SnapshotVmAsync("web-01", kind);

        Assert.Equal(expected, LastCall("Msvm_VirtualSystemSnapshotService", "CreateSnapshot").In["SnapshotType"]);
        Assert.Equal(kind, (await Backend.ListSnapshotsAsync(SnapshotFilter.All, Timeout)).Single(s => s.Id == id).Kind);
    }

    [Fact]
    public void D1_Emulator_RejectsTheOtherMethodsNumbering()
    {
        var vm = Emulator.Query($"SELECT * FROM Msvm_ComputerSystem WHERE Name = '{VmId("web-01")}'").Single().Path!;
        var group = Emulator.Query($"SELECT * FROM Msvm_VirtualSystemCollection WHERE CollectionID = '{GroupId("db")}'").Single().Path!;

        Assert.Equal(4u, CallDirectly("Msvm_VirtualSystemSnapshotService", "CreateSnapshot", p => { p["AffectedSystem"] = vm; p["SnapshotType"] = 1; p["SnapshotSettings"] = string.Empty; }));
        Assert.Equal(4u, CallDirectly("Msvm_CollectionSnapshotService", "CreateSnapshot", p => { p["Collection"] = group; p["SnapshotType"] = 32768; p["SnapshotSettings"] = string.Empty; }));
    }

    // §8.2 BackupIntent: collection class uint16 1/2, VM class uint8 0/1.

    [Theory]
    [InlineData(BackupIntent.PreserveChain, (ushort)1)]
    [InlineData(BackupIntent.Merge, (ushort)2)]
    public async Task D2_GroupExport_SendsCollectionBackupIntent(BackupIntent intent, ushort expected)
    {
        var snapshot = await SnapshotGroupAsync("db", SnapshotKind.Recovery);

        await ExportAsync(snapshot, new ExportOptions(BackupIntent: intent));

        var settings = Embedded(LastCall("Msvm_CollectionSnapshotService", "ExportSnapshot"), "ExportSettingData", "Msvm_CollectionSnapshotExportSettingData");
        Assert.Equal(expected, settings["BackupIntent"]);
    }

    [Theory]
    [InlineData(BackupIntent.PreserveChain, (byte)0)]
    [InlineData(BackupIntent.Merge, (byte)1)]
    public async Task D2_VmExport_SendsPerVmBackupIntent(BackupIntent intent, byte expected)
    {
        var snapshot = await SnapshotVmAsync("web-01", SnapshotKind.Recovery);

        await ExportAsync(snapshot, new ExportOptions(BackupIntent: intent));

        var settings = Embedded(LastCall("Msvm_VirtualSystemManagementService", "ExportSystemDefinition"), "ExportSettingData", "Msvm_VirtualSystemExportSettingData");
        Assert.Equal(expected, settings["BackupIntent"]);
    }

    [Fact]
    public async Task D2_Emulator_RejectsTheOtherClassesNumbering()
    {
        var groupSnapshot = SnapshotPath(await SnapshotGroupAsync("db", SnapshotKind.Recovery));
        var vmSnapshot = SnapshotPath(await SnapshotVmAsync("web-01", SnapshotKind.Recovery));
        var collectionSettings = Emulator.CreateInstance("Msvm_CollectionSnapshotExportSettingData");
        collectionSettings["BackupIntent"] = 0;
        var vmSettings = Emulator.CreateInstance("Msvm_VirtualSystemExportSettingData");
        vmSettings["CopySnapshotConfiguration"] = 3;
        vmSettings["SnapshotVirtualSystem"] = vmSnapshot;
        vmSettings["BackupIntent"] = 2;
        var directory = Host.NewExportRoot();

        Assert.Equal(4u, CallDirectly("Msvm_CollectionSnapshotService", "ExportSnapshot", p =>
        {
            p["SnapshotCollection"] = groupSnapshot;
            p["ExportDirectory"] = directory;
            p["ExportSettingData"] = collectionSettings.GetEmbeddedText();
        }));
        Assert.Equal(32773u, CallDirectly("Msvm_VirtualSystemManagementService", "ExportSystemDefinition", p =>
        {
            p["ComputerSystem"] = Emulator.Query($"SELECT * FROM Msvm_ComputerSystem WHERE Name = '{VmId("web-01")}'").Single().Path;
            p["ExportDirectory"] = directory;
            p["ExportSettingData"] = vmSettings.GetEmbeddedText();
        }));
    }

    // §8.3 The collection settings class has no CreateVmExportSubdirectory.

    [Fact]
    public void D3_CollectionExportSettings_HaveNoCreateVmExportSubdirectory()
    {
        var settings = Emulator.CreateInstance("Msvm_CollectionSnapshotExportSettingData");

        var ex = Assert.Throws<WmiException>(() => settings["CreateVmExportSubdirectory"] = true);
        Assert.Equal(WmiErrorKind.NotFound, ex.Kind);
    }

    [Fact]
    public async Task D3_GroupExportWithoutSubdirectory_ExportsEachMemberThroughExportSystemDefinition()
    {
        var snapshot = await SnapshotGroupAsync("db");

        var result = await ExportAsync(snapshot, new ExportOptions(CreateVmExportSubdirectory: false));

        Assert.DoesNotContain(Emulator.Invocations, i => i.Method == "ExportSnapshot");
        var calls = Emulator.Invocations.Where(i => i.Method == "ExportSystemDefinition").ToList();
        Assert.Equal(3, calls.Count);
        Assert.All(calls, c => Assert.Equal(false, Embedded(c, "ExportSettingData", "Msvm_VirtualSystemExportSettingData")["CreateVmExportSubdirectory"]));
        Assert.Contains(result.Warnings!, w => w.Contains("§8.3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task D3_GroupExportWithDefaults_UsesTheCollectionMethodWithoutTheMissingProperty()
    {
        var snapshot = await SnapshotGroupAsync("db");

        await ExportAsync(snapshot, ExportOptions.Default);

        var settings = Embedded(LastCall("Msvm_CollectionSnapshotService", "ExportSnapshot"), "ExportSettingData", "Msvm_CollectionSnapshotExportSettingData");
        Assert.Equal(true, settings["CopyVmStorage"]);
        Assert.DoesNotContain(Emulator.Invocations, i => i.Method == "ExportSystemDefinition");
    }

    // §8.4 DifferentialBase / StorageConfiguration do not exist; DifferentialBackupBase does.

    [Theory]
    [InlineData("DifferentialBase")]
    [InlineData("StorageConfiguration")]
    public void D4_VmExportSettings_LackTheSamplesOldPropertyNames(string property)
    {
        var settings = Emulator.CreateInstance("Msvm_VirtualSystemExportSettingData");

        Assert.Equal(WmiErrorKind.NotFound, Assert.Throws<WmiException>(() => settings[property] = "x").Kind);
    }

    [Fact]
    public async Task D4_VmDifferentialExport_SendsDifferentialBackupBaseWithConfiguration3()
    {
        var full = await SnapshotVmAsync("web-01", SnapshotKind.Recovery);
        var incremental = await SnapshotVmAsync("web-01", SnapshotKind.Recovery);

        await ExportAsync(incremental, new ExportOptions(DifferentialBackupBase: full));

        var record = Emulator.Exports.Single();
        Assert.Equal(SnapshotPath(full), record.Settings["DifferentialBackupBase"]);
        Assert.Equal((byte)3, record.Settings["CopySnapshotConfiguration"]);
    }

    // §8.5 SnapshotVirtualSystem is set with CopySnapshotConfiguration 3 as well as 2.

    [Theory]
    [InlineData(SnapshotKind.Standard, (byte)2)]
    [InlineData(SnapshotKind.Recovery, (byte)3)]
    public async Task D5_VmExport_NamesTheSnapshotWithEitherConfiguration(SnapshotKind kind, byte configuration)
    {
        var snapshot = await SnapshotVmAsync("web-01", kind);

        await ExportAsync(snapshot, ExportOptions.Default);

        var settings = Embedded(LastCall("Msvm_VirtualSystemManagementService", "ExportSystemDefinition"), "ExportSettingData", "Msvm_VirtualSystemExportSettingData");
        Assert.Equal(configuration, settings["CopySnapshotConfiguration"]);
        Assert.Equal(SnapshotPath(snapshot), settings["SnapshotVirtualSystem"]);
    }

    // §8.6 ExportSystemDefinition works on a running VM, with CaptureLiveState.

    [Theory]
    [InlineData(CaptureLiveState.CrashConsistent, (byte)0)]
    [InlineData(CaptureLiveState.SavedState, (byte)1)]
    [InlineData(CaptureLiveState.ApplicationConsistent, (byte)2)]
    public async Task D6_ExportOfRunningVm_IsAllowedWithCaptureLiveState(CaptureLiveState capture, byte expected)
    {
        var vm = (await Backend.ListVirtualMachinesAsync(Timeout)).Single(v => v.Name == "web-01");
        Assert.Equal(VmState.Running, vm.State);
        var snapshot = await SnapshotVmAsync("web-01");

        var result = await ExportAsync(snapshot, new ExportOptions(CaptureLiveState: capture));

        Assert.Equal(expected, Emulator.Exports.Single().Settings["CaptureLiveState"]);
        Assert.True(Directory.Exists(Path.Combine(result.ExportPath!, "web-01", "Virtual Machines")));
    }

    // §8.7 JobState 32768 (CompletedWithWarnings) and 12 (Query Pending) exist outside the docs.

    [Fact]
    public async Task D7_JobQueryPendingThenCompletedWithWarnings_Succeeds()
    {
        Emulator.PlanNextJob("CreateSnapshot", new JobPlan { RunningStates = [12], FinalState = 32768, ErrorMessages = ["warned"] });

        var id = await SnapshotVmAsync("web-01");

        Assert.Contains(await Backend.ListSnapshotsAsync(SnapshotFilter.All, Timeout), s => s.Id == id);
    }

    // §8.8 Msvm_ConcreteJob.InstanceID is the key the Job reference carries, not null.

    [Fact]
    public async Task D8_JobReference_IsKeyedByInstanceIdThatQueriesFind()
    {
        var observer = new RecordingObserver();
        await Backend.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.VirtualMachines([VmId("web-01")]), SnapshotKind.Standard, null), observer, Timeout);

        var jobId = Assert.Single(observer.BackendJobs).JobId;
        var jobPath = (string)LastCall("Msvm_VirtualSystemSnapshotService", "CreateSnapshot").Out["Job"]!;
        Assert.EndsWith($"Msvm_ConcreteJob.InstanceID=\"{jobId}\"", jobPath, StringComparison.Ordinal);
        var job = Assert.Single(Emulator.Query($"SELECT * FROM Msvm_ConcreteJob WHERE InstanceID = '{jobId}'"));
        Assert.Equal(jobPath, job.Path);
    }

    // §8.9 EnabledState: v2 values beyond the docs' table; libvirt's v1 numbering must not leak in.

    [Theory]
    [InlineData((ushort)2, VmState.Running)]
    [InlineData((ushort)3, VmState.Off)]
    [InlineData((ushort)4, VmState.Stopping)]
    [InlineData((ushort)6, VmState.Saved)]
    [InlineData((ushort)9, VmState.Paused)]
    [InlineData((ushort)10, VmState.Starting)]
    [InlineData((ushort)32773, VmState.Saving)]
    [InlineData((ushort)32776, VmState.Busy)]
    [InlineData((ushort)32777, VmState.Busy)]
    [InlineData((ushort)32768, VmState.Other)]
    [InlineData((ushort)32785, VmState.Other)]
    public async Task D9_EnabledState_MapsV2Values(ushort enabledState, VmState expected)
    {
        Emulator.SetVmState(VmId("web-01"), enabledState);

        var vm = (await Backend.ListVirtualMachinesAsync(Timeout)).Single(v => v.Name == "web-01");

        Assert.Equal(expected, vm.State);
        Assert.Equal(enabledState, vm.EnabledState);
    }

    // §8.10 Consistency: VM-level classes number 1 App, 2 Crash.

    [Theory]
    [InlineData(ConsistencyLevel.ApplicationConsistent, (byte)1)]
    [InlineData(ConsistencyLevel.CrashConsistent, (byte)2)]
    public async Task D10_VmSnapshot_SendsVmLevelConsistencyNumbering(ConsistencyLevel level, byte expected)
    {
        await SnapshotVmAsync("web-01", SnapshotKind.Recovery, level);

        var settings = Embedded(LastCall("Msvm_VirtualSystemSnapshotService", "CreateSnapshot"), "SnapshotSettings", "Msvm_VirtualSystemSnapshotSettingData");
        Assert.Equal(expected, settings["ConsistencyLevel"]);
    }

    // §8.12 Msvm_CollectedCollections links a group of groups to its child groups.

    [Fact]
    public async Task D12_GroupOfGroups_ListsTheVmsOfItsChildGroups()
    {
        var parent = Emulator.AddManagementGroup("tiers", GroupId("web"), GroupId("db"));

        var group = (await Backend.ListCollectionsAsync(Timeout)).Single(c => c.Id == parent);

        Assert.Equal(CollectionKind.ManagementCollection, group.Kind);
        Assert.Equal(new[] { VmId("web-01"), VmId("web-02"), VmId("db-01"), VmId("db-02"), VmId("db-03") }.Order(), group.MemberVmIds.Order());
    }

    // §8.13 32779 means "File not found" for collection management and "File in Use" for import; we decode the former.

    [Fact]
    public async Task D13_Code32779FromAnMsvmMethod_IsCarriedUnchanged()
    {
        var snapshot = await SnapshotVmAsync("web-01");
        Emulator.FailNextCall("ExportSystemDefinition", 32779);

        var ex = await Assert.ThrowsAsync<HypervisorException>(() => ExportAsync(snapshot, ExportOptions.Default));

        Assert.Equal(32779u, ex.HyperVCode);
        Assert.Equal(HyperVCodeFamily.Msvm, ex.Family);
        Assert.Equal(HypervisorErrorKind.NotFound, ex.Kind);
    }

    // §8.14 The brief's class names do not exist.

    [Fact]
    public async Task D14_GroupSnapshot_UsesMsvmCollectionSnapshotServiceNotTheBriefsName()
    {
        Assert.Equal(WmiErrorKind.InvalidClass, Assert.Throws<WmiException>(() => Emulator.Query("SELECT * FROM Msvm_VirtualSystemCollectionService")).Kind);

        await SnapshotGroupAsync("db");

        Assert.Contains(Emulator.Invocations, i => i.ClassName == "Msvm_CollectionSnapshotService" && i.Method == "CreateSnapshot" && i.ReturnValue == 4096);
    }

    // §4.4 The host is an Msvm_ComputerSystem too.

    [Fact]
    public async Task ListVirtualMachines_ExcludesTheHost()
    {
        var vms = await Backend.ListVirtualMachinesAsync(Timeout);

        Assert.DoesNotContain(vms, v => v.Name == Emulator.HostName);
        Assert.Equal(10, vms.Count);
        Assert.Equal(11, Emulator.Query("SELECT * FROM Msvm_ComputerSystem").Count);
    }
}
