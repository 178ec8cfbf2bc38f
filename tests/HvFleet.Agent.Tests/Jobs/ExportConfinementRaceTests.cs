using System.Diagnostics.CodeAnalysis;
using HvFleet.Agent.Jobs;
using HvFleet.Agent.Tests.Jobs.Fakes;
using HvFleet.Hypervisors;
using HvFleet.Hypervisors.Confinement;
using HvFleet.Hypervisors.Lab;
using Microsoft.Extensions.Logging.Abstractions;

namespace HvFleet.Agent.Tests.Jobs;

/// <summary>
/// An export accepted while its folder was real, whose folder is swapped for a link to a directory
/// outside the export root while the job waits: the job fails naming the link, and nothing outside
/// the root is written or deleted, with or without overwrite. The job is paused deterministically
/// in the backend (a <see cref="FakeHypervisor"/> call) and then run on a real lab hypervisor.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "xunit ends each test through IAsyncLifetime.DisposeAsync, which disposes the lab.")]
public sealed class ExportConfinementRaceTests : IAsyncLifetime
{
    private readonly string _base = Path.Combine(Path.GetTempPath(), "hvfleet-export-race-" + Guid.NewGuid().ToString("N"));
    private string _exportRoot = "";
    private string _outside = "";
    private LabHypervisor _lab = null!;

    public Task InitializeAsync()
    {
        _exportRoot = Path.Combine(_base, "exports");
        _outside = Path.Combine(_base, "outside");
        Directory.CreateDirectory(_exportRoot);
        Directory.CreateDirectory(_outside);
        File.WriteAllText(Path.Combine(_outside, "marker.txt"), "outside the export root");
        _lab = new LabHypervisor(
            Microsoft.Extensions.Options.Options.Create(new LabHypervisorOptions
            {
                Directory = Path.Combine(_base, "lab"),
                SeedDiskSizeBytes = 256 * 1024,
                SeedRandomSeed = 1234,
                GuestIoEnabled = false,
                CopyBufferSize = 64 * 1024,
            }),
            TimeProvider.System,
            NullLogger<LabHypervisor>.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _lab.DisposeAsync();
        Directory.Delete(_base, recursive: true);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Export_FolderSwappedForLinkWhileTheJobWaits_FailsNamingTheLinkAndNothingOutsideChanges(bool overwrite)
    {
        await using var engine = await JobEngineHarness.StartAsync();
        string snapshotId = await SnapshotAsync();
        string site = Path.Combine(_exportRoot, "site");
        string target = Path.Combine(site, "export");
        Directory.CreateDirectory(target);
        if (overwrite)
        {
            // A previous export in the root, and a directory of the same name outside that overwrite must never delete.
            File.WriteAllText(Path.Combine(target, "previous.txt"), "previous export");
            Directory.CreateDirectory(Path.Combine(_outside, "export"));
            File.WriteAllText(Path.Combine(_outside, "export", "precious.txt"), "keep me");
        }

        var errors = JobRequestValidator.ValidateExportSnapshot(
            new ExportRequest(snapshotId, target, ExportOptions.Default, overwrite), null, [_exportRoot], out var confined);
        Assert.Empty(errors);
        var job = await engine.StartJobAsync(new ExportSnapshotJobSpec(confined!));
        var call = await engine.Hypervisor.NextCallAsync();
        var before = Tree(_outside);

        // The job was accepted and is running, paused before the backend writes: swap the folder.
        Directory.Delete(site, recursive: true);
        Directory.CreateSymbolicLink(site, _outside);
        await RunOnTheLabAsync(call);

        var failed = await engine.WaitForStateAsync(job.Id, JobState.Failed);
        Assert.Equal(HyperVCodes.MsvmAccessDenied, failed.Error!.HyperVCode);
        Assert.Contains($"'{site}' is a symbolic link", failed.Error.Description, StringComparison.Ordinal);
        Assert.Null(failed.Result);
        Assert.Equal(before, Tree(_outside));
    }

    [Fact]
    public void RemovePartialExport_FolderSwappedForLink_RefusesAndDeletesNothingOutside()
    {
        string site = Path.Combine(_exportRoot, "site");
        Directory.CreateDirectory(Path.Combine(site, ".export" + ExportCleanup.TempMarker + "abc"));
        Directory.CreateDirectory(Path.Combine(_outside, ".export" + ExportCleanup.TempMarker + "zzz"));
        Directory.CreateDirectory(Path.Combine(_outside, "export"));
        File.WriteAllText(Path.Combine(_outside, "export", "precious.txt"), "keep me");
        var before = Tree(_outside);
        Directory.Delete(site, recursive: true);
        Directory.CreateSymbolicLink(site, _outside);

        var ex = Assert.Throws<ConfinementException>(() => ExportCleanup.RemovePartialExport(Path.Combine(site, "export"), removeTarget: true));

        Assert.Equal(site, ex.Path);
        Assert.Equal(before, Tree(_outside));
    }

    [Fact]
    public void RemovePartialExport_LinksInsideTheTarget_AreUnlinkedNeverFollowed()
    {
        string target = Path.Combine(_exportRoot, "site", "export");
        Directory.CreateDirectory(target);
        Directory.CreateSymbolicLink(Path.Combine(target, "escape"), _outside);
        string temp = Path.Combine(_exportRoot, "site", ".export" + ExportCleanup.TempMarker + "abc");
        Directory.CreateSymbolicLink(temp, _outside);
        var before = Tree(_outside);

        var removed = ExportCleanup.RemovePartialExport(target, removeTarget: true);

        Assert.Equal([temp, target], removed.Order(StringComparer.Ordinal));
        Assert.False(Directory.Exists(target));
        Assert.Equal(before, Tree(_outside));
    }

    private async Task RunOnTheLabAsync(FakeCall call)
    {
        try
        {
            call.Complete(await _lab.ExportSnapshotAsync((ExportRequest)call.Request, call.Observer, call.Token));
        }
        catch (Exception ex)
        {
            call.Fail(ex);
        }
    }

    private async Task<string> SnapshotAsync()
    {
        var group = (await _lab.ListCollectionsAsync(CancellationToken.None))[0];
        var result = await _lab.CreateSnapshotAsync(
            new SnapshotRequest(SnapshotTarget.Collection(group.Id), SnapshotKind.Recovery, null), new NullOperationObserver(), CancellationToken.None);
        return result.SnapshotIds[0];
    }

    /// <summary>Every entry under <paramref name="directory"/> with its content, links not followed.</summary>
    private static List<string> Tree(string directory) =>
        [.. new DirectoryInfo(directory).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(i => Path.GetRelativePath(directory, i.FullName) + (i is FileInfo f && f.LinkTarget is null ? "=" + File.ReadAllText(f.FullName) : "/"))
            .Order(StringComparer.Ordinal)];

    private sealed class NullOperationObserver : IOperationObserver
    {
        public void ReportProgress(HypervisorProgress progress)
        {
        }

        public void ReportBackendJob(BackendJobReference backendJob)
        {
        }
    }
}
