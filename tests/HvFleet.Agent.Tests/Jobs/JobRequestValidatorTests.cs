using HvFleet.Agent.Jobs;
using HvFleet.Hypervisors;

namespace HvFleet.Agent.Tests.Jobs;

public sealed class JobRequestValidatorTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hvfleet-validate-" + Guid.NewGuid().ToString("N"));

    public JobRequestValidatorTests() => Directory.CreateDirectory(_root);

    [Fact]
    public void ValidateCreateSnapshot_ValidGroupRequest_HasNoErrors()
    {
        var request = new SnapshotRequest(SnapshotTarget.Collection(Guid.NewGuid().ToString()), SnapshotKind.Recovery, new string('n', 100));

        Assert.Empty(JobRequestValidator.ValidateCreateSnapshot(request, "req-1"));
    }

    [Theory]
    [InlineData("", "is required")]
    [InlineData(" padded", "white space")]
    [InlineData("bad\u0001id", "control characters")]
    public void ValidateCreateSnapshot_BadCollectionId_NamesCollectionId(string id, string message)
    {
        var errors = JobRequestValidator.ValidateCreateSnapshot(new SnapshotRequest(SnapshotTarget.Collection(id), SnapshotKind.Standard, null), null);

        var error = Assert.Single(errors);
        Assert.Equal("collection_id", error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateCreateSnapshot_IdOf257Characters_IsTooLong()
    {
        var errors = JobRequestValidator.ValidateCreateSnapshot(
            new SnapshotRequest(SnapshotTarget.Collection(new string('a', 257)), SnapshotKind.Standard, null), null);

        Assert.Equal("collection_id", Assert.Single(errors).Field);
        Assert.Empty(JobRequestValidator.ValidateCreateSnapshot(
            new SnapshotRequest(SnapshotTarget.Collection(new string('a', 256)), SnapshotKind.Standard, null), null));
    }

    [Fact]
    public void ValidateCreateSnapshot_BadVmList_NamesEachEntry()
    {
        var errors = JobRequestValidator.ValidateCreateSnapshot(
            new SnapshotRequest(SnapshotTarget.VirtualMachines(["vm-1", "", "vm-1"]), SnapshotKind.Standard, null), null);

        Assert.Equal(["vms.vm_ids[1]", "vms.vm_ids[2]"], errors.Select(e => e.Field));
        Assert.Contains("more than once", errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateCreateSnapshot_NoVms_NamesVmIds()
    {
        var errors = JobRequestValidator.ValidateCreateSnapshot(new SnapshotRequest(SnapshotTarget.VirtualMachines([]), SnapshotKind.Standard, null), null);

        Assert.Equal("vms.vm_ids", Assert.Single(errors).Field);
    }

    [Fact]
    public void ValidateCreateSnapshot_EverythingWrong_ReportsEveryField()
    {
        var request = new SnapshotRequest(SnapshotTarget.Collection(""), (SnapshotKind)7, new string('x', 101), ConsistencyLevel.CrashConsistent);

        var errors = JobRequestValidator.ValidateCreateSnapshot(request, "bad\nrequest");

        Assert.Equal(["collection_id", "consistency_level", "snapshot_type", "name", "request_id"], errors.Select(e => e.Field));
        Assert.Contains("100", errors.Single(e => e.Field == "name").Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tab\there")]
    [InlineData("   ")]
    public void ValidateCreateSnapshot_BadName_NamesName(string name)
    {
        var errors = JobRequestValidator.ValidateCreateSnapshot(new SnapshotRequest(SnapshotTarget.VirtualMachines(["vm"]), SnapshotKind.Standard, name), null);

        Assert.Equal("name", Assert.Single(errors).Field);
    }

    [Fact]
    public void ValidateCreateSnapshot_ConsistencyLevelOnVms_IsAllowed()
    {
        var request = new SnapshotRequest(SnapshotTarget.VirtualMachines(["vm"]), SnapshotKind.Standard, null, ConsistencyLevel.ApplicationConsistent);

        Assert.Empty(JobRequestValidator.ValidateCreateSnapshot(request, null));
    }

    [Fact]
    public void ValidateExportSnapshot_Valid_ReturnsConfinedRequest()
    {
        var errors = JobRequestValidator.ValidateExportSnapshot(
            Export(Path.Combine(_root, "a", ".", "b")), "req", [_root], out var confined);

        Assert.Empty(errors);
        Assert.Equal(Path.Combine(_root, "a", "b"), confined!.ExportDirectory);
    }

    [Fact]
    public void ValidateExportSnapshot_DifferentialBaseWithoutBackupIntent_NamesTheSetting()
    {
        var request = Export(Path.Combine(_root, "x")) with { Options = new ExportOptions(DifferentialBackupBase: "base-1") };

        var errors = JobRequestValidator.ValidateExportSnapshot(request, null, [_root], out var confined);

        var error = Assert.Single(errors);
        Assert.Equal("settings.differential_backup_base", error.Field);
        Assert.Contains("backup_intent", error.Message, StringComparison.Ordinal);
        Assert.Null(confined);
    }

    [Fact]
    public void ValidateExportSnapshot_DifferentialBaseWithIntent_IsValid()
    {
        var request = Export(Path.Combine(_root, "x")) with { Options = new ExportOptions(BackupIntent: BackupIntent.Merge, DifferentialBackupBase: "base-1") };

        Assert.Empty(JobRequestValidator.ValidateExportSnapshot(request, null, [_root], out _));
    }

    [Fact]
    public void ValidateExportSnapshot_NoStorageCopyWithPerVmSubdirectory_IsValid()
    {
        var request = Export(Path.Combine(_root, "x")) with { Options = new ExportOptions(CopyVmStorage: false, CreateVmExportSubdirectory: true) };

        Assert.Empty(JobRequestValidator.ValidateExportSnapshot(request, null, [_root], out _));
    }

    [Fact]
    public void ValidateExportSnapshot_EverythingWrong_ReportsEveryField()
    {
        var request = new ExportRequest("", "relative/dir",
            new ExportOptions(BackupIntent: (BackupIntent)9, DifferentialBackupBase: "", CaptureLiveState: (CaptureLiveState)9), false);

        var errors = JobRequestValidator.ValidateExportSnapshot(request, "", [_root], out _);

        Assert.Equal(["snapshot_id", "export_directory", "settings.backup_intent", "settings.capture_live_state", "request_id"], errors.Select(e => e.Field));
        Assert.Contains("absolute", errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateExportSnapshot_BaseEqualsSnapshot_IsRefused()
    {
        var request = Export(Path.Combine(_root, "x")) with { Options = new ExportOptions(BackupIntent: BackupIntent.PreserveChain, DifferentialBackupBase: "snap-1") };

        var errors = JobRequestValidator.ValidateExportSnapshot(request, null, [_root], out _);

        Assert.Contains("own base", Assert.Single(errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateDeleteSnapshot_MissingId_NamesSnapshotId()
    {
        var errors = JobRequestValidator.ValidateDeleteSnapshot("", new string('r', 300));

        Assert.Equal(["snapshot_id", "request_id"], errors.Select(e => e.Field));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static ExportRequest Export(string directory) => new("snap-1", directory, ExportOptions.Default, Overwrite: false);
}
