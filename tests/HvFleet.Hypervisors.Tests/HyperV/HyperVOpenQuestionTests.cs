using HvFleet.Hypervisors.Tests.Conformance;
using HvFleet.Hypervisors.Tests.HyperV.Emulator;

namespace HvFleet.Hypervisors.Tests.HyperV;

/// <summary>
/// The questions reference §9 leaves open, each answered every plausible way by the emulator: the
/// backend must work whichever answer a real host gives.
/// </summary>
public sealed class HyperVOpenQuestionTests : HyperVScenario
{
    // Q1: what group CreateSnapshot accepts as SnapshotSettings.

    [Theory]
    [InlineData(CollectionSettingsAcceptance.Both, 1, "EmptyString")]
    [InlineData(CollectionSettingsAcceptance.EmptyStringOnly, 1, "EmptyString")]
    [InlineData(CollectionSettingsAcceptance.EmbeddedOnly, 2, "EmbeddedSettings")]
    public async Task Q1_SnapshotSettings_WhateverTheHostAccepts_IsFoundOnceAndRemembered(CollectionSettingsAcceptance acceptance, int firstAttempts, string learnt)
    {
        Emulator.CollectionSnapshotSettings = acceptance;

        await SnapshotGroupAsync("db");
        var afterFirst = Emulator.Invocations.Count(i => i.Method == "CreateSnapshot");
        await SnapshotGroupAsync("web");
        var afterSecond = Emulator.Invocations.Count(i => i.Method == "CreateSnapshot");

        Assert.Equal(firstAttempts, afterFirst);
        Assert.Equal(afterFirst + 1, afterSecond);
        Assert.Equal(learnt, Backend.LearntCollectionSettingsMode.ToString());
        Assert.Equal(2, (await Backend.ListSnapshotsAsync(SnapshotFilter.All, Timeout)).Count);
    }

    [Fact]
    public async Task Q1_FallbackToEmbeddedSettings_SendsAnMsvmVirtualSystemSnapshotSettingData()
    {
        Emulator.CollectionSnapshotSettings = CollectionSettingsAcceptance.EmbeddedOnly;

        await SnapshotGroupAsync("db");

        var calls = Emulator.Invocations.Where(i => i.Method == "CreateSnapshot").ToList();
        Assert.Equal(string.Empty, calls[0].In["SnapshotSettings"]);
        Assert.Equal(4u, calls[0].ReturnValue);
        Embedded(calls[1], "SnapshotSettings", "Msvm_VirtualSystemSnapshotSettingData");
        Assert.Equal(4096u, calls[1].ReturnValue);
    }

    [Fact]
    public async Task Q1_ConsistencyRequestedButHostTakesOnlyEmptySettings_SucceedsWithWarning()
    {
        Emulator.CollectionSnapshotSettings = CollectionSettingsAcceptance.EmptyStringOnly;

        var result = await Backend.CreateSnapshotAsync(
            new SnapshotRequest(SnapshotTarget.Collection(GroupId("db")), SnapshotKind.Recovery, null, ConsistencyLevel.ApplicationConsistent), new RecordingObserver(), Timeout);

        Assert.Single(result.SnapshotIds);
        Assert.Contains(result.Warnings!, w => w.Contains("consistency", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Q1_InvalidParameterForAnotherReason_IsReportedAfterOneFallback()
    {
        Emulator.FailNextCall("CreateSnapshot", 4);
        Emulator.FailNextCall("CreateSnapshot", 4);

        var ex = await Assert.ThrowsAsync<HypervisorException>(() => SnapshotGroupAsync("db"));

        Assert.Equal(HyperVCodes.InvalidParameter, ex.HyperVCode);
        Assert.Equal(HyperVCodeFamily.Cim, ex.Family);
        Assert.Equal(2, Emulator.Invocations.Count(i => i.Method == "CreateSnapshot"));
    }

    // Q2: whether ResultingSnapshotCollection is filled when the call returns 4096.

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public async Task Q2_ResultingSnapshotCollection_FilledOrEmpty_YieldsTheNewSnapshot(bool filled, bool affectedElements)
    {
        Emulator.FillResultingSnapshotCollection = filled;
        Emulator.RecordAffectedElements = affectedElements;

        var id = await SnapshotGroupAsync("db");

        var listed = Assert.Single(await Backend.ListSnapshotsAsync(SnapshotFilter.All, Timeout));
        Assert.Equal(listed.Id, id);
        Assert.Equal(filled, LastCall("Msvm_CollectionSnapshotService", "CreateSnapshot").Out.GetValueOrDefault("ResultingSnapshotCollection") is string);
    }

    // Q3: the on-disk layout of a group export.

    [Fact]
    public async Task Q3_GroupExport_ReportsTheExportDirectoryAndItsRealSize()
    {
        var snapshot = await SnapshotGroupAsync("db");

        var result = await ExportAsync(snapshot, ExportOptions.Default);

        // The emulator writes a folder per VM; the backend reports the directory and measures what is there.
        var files = Directory.EnumerateFiles(result.ExportPath!, "*", SearchOption.AllDirectories).ToList();
        Assert.Equal(files.Count, result.Files);
        Assert.Equal(files.Sum(f => new FileInfo(f).Length), result.Bytes);
        Assert.Equal(new[] { "db-01", "db-02", "db-03" }, Directory.EnumerateDirectories(result.ExportPath!).Select(Path.GetFileName).Order());
    }

    // Q4: whether the documented collection BackupIntent values 1 and 2 are accepted.

    [Fact]
    public async Task Q4_HostRejectsCollectionBackupIntent_FailsWithCode4AndLeavesNothing()
    {
        Emulator.AcceptedCollectionBackupIntents.Clear();
        var snapshot = await SnapshotGroupAsync("db", SnapshotKind.Recovery);
        var root = Host.NewExportRoot();

        var ex = await Assert.ThrowsAsync<HypervisorException>(() => Backend.ExportSnapshotAsync(
            new ExportRequest(snapshot, Path.Combine(root, "export"), new ExportOptions(BackupIntent: BackupIntent.Merge), false), new RecordingObserver(), Timeout));

        Assert.Equal(HyperVCodes.InvalidParameter, ex.HyperVCode);
        Assert.Contains("Msvm_CollectionSnapshotService.ExportSnapshot", ex.Description, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(root));
    }

    [Fact]
    public async Task Q4_DefaultBackupIntent_LeavesThePropertyUnsetSoAnyHostAcceptsIt()
    {
        Emulator.AcceptedCollectionBackupIntents.Clear();
        var snapshot = await SnapshotGroupAsync("db", SnapshotKind.Recovery);

        await ExportAsync(snapshot, ExportOptions.Default);

        var settings = Embedded(LastCall("Msvm_CollectionSnapshotService", "ExportSnapshot"), "ExportSettingData", "Msvm_CollectionSnapshotExportSettingData");
        Assert.Null(settings["BackupIntent"]);
    }

    // Q5: whether the default VSESD (from Msvm_SystemExportSettingData) carries values to reset.

    [Fact]
    public async Task Q5_VmExportSettings_AreAFreshInstanceWithEveryChoiceExplicit()
    {
        var snapshot = await SnapshotVmAsync("web-01", SnapshotKind.Recovery);

        await ExportAsync(snapshot, new ExportOptions(CopyVmStorage: false, CreateVmExportSubdirectory: false, CopyVmRuntimeInformation: true));

        var settings = Embedded(LastCall("Msvm_VirtualSystemManagementService", "ExportSystemDefinition"), "ExportSettingData", "Msvm_VirtualSystemExportSettingData");
        Assert.Equal((byte)3, settings["CopySnapshotConfiguration"]);
        Assert.Equal(false, settings["CopyVmStorage"]);
        Assert.Equal(false, settings["CreateVmExportSubdirectory"]);
        Assert.Equal(true, settings["CopyVmRuntimeInformation"]);
        Assert.Null(settings["InstanceID"]);
    }
}
