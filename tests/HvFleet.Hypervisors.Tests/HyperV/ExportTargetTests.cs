using HvFleet.Hypervisors.HyperV.Export;

namespace HvFleet.Hypervisors.Tests.HyperV;

public sealed class ExportTargetTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hvfleet-hyperv-tests", "target-" + Guid.NewGuid().ToString("N")[..8]);

    public ExportTargetTests()
    {
        Directory.CreateDirectory(_root);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Prepare_Local_CreatesAHiddenSiblingStagingFolderForHyperVAndLeavesTheTargetAlone()
    {
        var target = ExportTarget.Prepare(Path.Combine(_root, "export"), overwrite: false, local: true, root: _root);

        Assert.Equal(_root, Path.GetDirectoryName(target.WorkingDirectory));
        Assert.StartsWith(".export.hvfleet-", Path.GetFileName(target.WorkingDirectory), StringComparison.Ordinal);
        Assert.Equal(target.WorkingDirectory, target.Staging);

        // Hyper-V is handed a real folder the agent created (not a link), and nothing else exists yet.
        var staging = new DirectoryInfo(target.WorkingDirectory);
        Assert.True(staging.Exists);
        Assert.Null(staging.LinkTarget);
        Assert.Equal([staging.Name], Directory.EnumerateFileSystemEntries(_root).Select(Path.GetFileName));

        target.Rollback();
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));
    }

    [Fact]
    public void Prepare_FolderUnderTheRootIsALink_IsAccessDeniedAndNothingIsCreatedOutside()
    {
        var outside = Path.Combine(_root + "-outside");
        Directory.CreateDirectory(outside);
        try
        {
            Directory.CreateSymbolicLink(Path.Combine(_root, "site"), outside);

            var ex = Assert.Throws<HypervisorException>(() =>
                ExportTarget.Prepare(Path.Combine(_root, "site", "export"), overwrite: true, local: true, root: _root));

            Assert.Equal(HypervisorErrorKind.AccessDenied, ex.Kind);
            Assert.Contains("is a symbolic link", ex.Description, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public void Prepare_NonEmptyWithoutOverwrite_IsAlreadyExists()
    {
        var existing = Path.Combine(_root, "export");
        Directory.CreateDirectory(existing);
        File.WriteAllText(Path.Combine(existing, "old.txt"), "old");

        var ex = Assert.Throws<HypervisorException>(() => ExportTarget.Prepare(existing, overwrite: false, local: true));

        Assert.Equal(HypervisorErrorKind.AlreadyExists, ex.Kind);
        Assert.True(File.Exists(Path.Combine(existing, "old.txt")));
    }

    [Fact]
    public void Commit_WithOverwrite_ReplacesThePreviousExportAndMeasuresTheNewOne()
    {
        var existing = Path.Combine(_root, "export");
        Directory.CreateDirectory(existing);
        File.WriteAllText(Path.Combine(existing, "old.txt"), "old");
        var target = ExportTarget.Prepare(existing, overwrite: true, local: true);
        Directory.CreateDirectory(Path.Combine(target.WorkingDirectory, "vm", "Virtual Machines"));
        File.WriteAllText(Path.Combine(target.WorkingDirectory, "vm", "Virtual Machines", "a.vmcx"), "12345");

        var (bytes, files) = target.Commit();

        Assert.Equal((5L, 1), (bytes, files));
        Assert.False(File.Exists(Path.Combine(existing, "old.txt")));
        Assert.True(File.Exists(Path.Combine(existing, "vm", "Virtual Machines", "a.vmcx")));
        Assert.Equal(new[] { "export" }, Directory.EnumerateFileSystemEntries(_root).Select(Path.GetFileName));
    }

    [Fact]
    public void Rollback_RemovesTheStagingFolderOnly()
    {
        var existing = Path.Combine(_root, "export");
        Directory.CreateDirectory(existing);
        File.WriteAllText(Path.Combine(existing, "old.txt"), "old");
        var target = ExportTarget.Prepare(existing, overwrite: true, local: true);
        Directory.CreateDirectory(Path.Combine(target.WorkingDirectory, "partial"));

        target.Rollback();

        Assert.Equal(new[] { "export" }, Directory.EnumerateFileSystemEntries(_root).Select(Path.GetFileName));
        Assert.True(File.Exists(Path.Combine(existing, "old.txt")));
    }

    [Fact]
    public void Prepare_Remote_WritesToTheTargetDirectlyAndMeasuresNothing()
    {
        var target = ExportTarget.Prepare(@"/remote/share/export", overwrite: false, local: false);

        Assert.Null(target.Staging);
        Assert.Equal("/remote/share/export", target.WorkingDirectory);
        Assert.Equal((0L, 0), target.Commit());
    }
}
