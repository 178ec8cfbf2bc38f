using HvFleet.Agent.Jobs;
using HvFleet.Hypervisors;

namespace HvFleet.Agent.Tests.Jobs;

/// <summary>Bidirectional-control characters and names or paths the file system cannot hold, refused before a job exists.</summary>
public sealed class JobRequestValidatorTextTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("hvfleet-validate-text-").FullName;

    public static TheoryData<char> BidiControls => ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C'];

    [Theory]
    [MemberData(nameof(BidiControls))]
    public void ValidateCreateSnapshot_BidiControlInNameOrRequestId_NamesEachField(char control)
    {
        var request = new SnapshotRequest(SnapshotTarget.Collection("g1"), SnapshotKind.Recovery, "nightly" + control + "gpj.exe");

        var errors = JobRequestValidator.ValidateCreateSnapshot(request, "req" + control);

        Assert.Equal(["name", "request_id"], errors.Select(e => e.Field));
        Assert.All(errors, e => Assert.Contains($"bidirectional control character U+{(int)control:X4}", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void ValidateCreateSnapshot_BidiControlInVmId_NamesTheEntry()
    {
        var errors = JobRequestValidator.ValidateCreateSnapshot(
            new SnapshotRequest(SnapshotTarget.VirtualMachines(["vm-1", "vm\u202E-2"]), SnapshotKind.Recovery, null), null);

        Assert.Equal("vms.vm_ids[1]", Assert.Single(errors).Field);
    }

    [Fact]
    public void ValidateExportSnapshot_BidiControlInDirectory_NamesExportDirectory()
    {
        var errors = JobRequestValidator.ValidateExportSnapshot(Export(Path.Combine(_root, "exp\u202Egnp.ps1")), null, [_root], out var confined);

        var error = Assert.Single(errors);
        Assert.Equal("export_directory", error.Field);
        Assert.Contains("U+202E", error.Message, StringComparison.Ordinal);
        Assert.Null(confined);
    }

    [Fact]
    public void ValidateExportSnapshot_NameOver255Bytes_IsRefusedBeforeAJobExists()
    {
        // 128 two-byte characters: 128 characters, 256 bytes of UTF-8.
        var tooLong = Path.Combine(_root, new string('\u00E9', 128));
        var fits = Path.Combine(_root, new string('a', 255));

        var errors = JobRequestValidator.ValidateExportSnapshot(Export(tooLong), null, [_root], out _);

        var error = Assert.Single(errors);
        Assert.Equal("export_directory", error.Field);
        Assert.Contains(OperatingSystem.IsWindows() ? "at most 255 characters" : "has a name of 256 bytes", error.Message, StringComparison.Ordinal);
        Assert.Empty(JobRequestValidator.ValidateExportSnapshot(Export(fits), null, [_root], out _));
    }

    [Fact]
    public void FileSystemNameLimits_PathOver4095Bytes_IsRefused()
    {
        var segments = Enumerable.Repeat(new string('d', 200), 21);
        var path = _root + "/" + string.Join('/', segments);

        var problem = FileSystemNameLimits.Check(path);

        Assert.True(OperatingSystem.IsWindows() || problem is not null);
        Assert.Contains("at most 4095 bytes", problem ?? "at most 4095 bytes", StringComparison.Ordinal);
        Assert.Null(FileSystemNameLimits.Check(_root + "/" + string.Join('/', segments.Take(10))));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static ExportRequest Export(string directory) => new("snap-1", directory, ExportOptions.Default, Overwrite: false);
}
